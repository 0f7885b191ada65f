"""The reader's pages: sign up, confirm, manage, unsubscribe. Thin: forms validate,
subscriptions.py writes.

These pages carry forms and are never cached; the public pages only link here.
"""

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles.models import Frequency, Subscriber
from newsroom import ratelimit
from newsroom.clientaddress import client_address

from . import subscriptions
from .forms import FollowForm, SubscribeForm

HOUR = 3600


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        form = SubscribeForm(initial=SubscribeForm.prefill(request.GET))
        return render(request, "articles/newsletter/subscribe.html", {"form": form})
    form = SubscribeForm(request.POST)
    if form.is_spam():
        return redirect("newsletter:thanks")
    if not form.is_valid():
        return render(request, "articles/newsletter/subscribe.html", {"form": form}, status=400)
    hits, _start = ratelimit.count(f"newsletter-from:{client_address(request)}", HOUR)
    if hits > settings.NEWSLETTER_SIGNUPS_PER_ADDRESS:
        form.add_error(None, _("Von Ihrem Anschluss kamen in der letzten Stunde zu viele "
                               "Anmeldungen. Bitte versuchen Sie es später noch einmal; Ihre "
                               "Angaben bleiben hier stehen."))
        return render(request, "articles/newsletter/subscribe.html", {"form": form}, status=429)
    email = subscriptions.normalise(form.cleaned_data["email"])
    hits, _start = ratelimit.count(f"newsletter-to:{email}", HOUR)
    # Over the limit for one recipient: the same answer, so nobody learns about the
    # address, and no more mail to it.
    if hits <= settings.NEWSLETTER_SIGNUPS_PER_RECIPIENT:
        frequency = form.cleaned_data["frequency"]
        subscriptions.sign_up(
            email, wants_newsletter=form.cleaned_data["wants_newsletter"], frequency=frequency,
            follows=form.follows(),
            text=subscriptions.consent_text(
                wants_newsletter=form.cleaned_data["wants_newsletter"],
                frequency_label=Frequency(frequency).label, follows=form.followed_names()),
        )
    return redirect("newsletter:thanks")


@never_cache
def thanks(request):
    return render(request, "articles/newsletter/message.html", {
        "title": _("Bitte bestätigen Sie Ihre Anmeldung"),
        "text": _("Wir haben Ihnen eine E-Mail geschickt. Erst wenn Sie den Link darin "
                  "bestätigen, erhalten Sie Nachrichten von uns. Der Link gilt sieben Tage. "
                  "Keine E-Mail bekommen? Sehen Sie im Spam-Ordner nach oder melden Sie sich "
                  "noch einmal an."),
    })


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET asks, POST confirms: mail scanners that open links confirm nothing."""
    try:
        subscriber = subscriptions.subscriber_for_token(token)
    except subscriptions.InvalidLink as error:
        return render(request, "articles/newsletter/message.html", {
            "title": _("Bestätigung nicht möglich"), "text": str(error),
            "signup_link": True}, status=400)
    if request.method == "POST":
        subscriptions.confirm(subscriber)
        return render(request, "articles/newsletter/message.html", {
            "title": _("Anmeldung bestätigt"),
            "text": _("Vielen Dank! Ab jetzt erhalten Sie die gewählten E-Mails. Mit dem Link "
                      "in jeder E-Mail ändern Sie Ihr Abonnement oder melden sich ab."),
            "manage_key": subscriber.key})
    return render(request, "articles/newsletter/confirm.html", {"subscriber": subscriber})


def _subscriber(key):
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise Http404
    return subscriber


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, key):
    subscriber = _subscriber(key)
    action = request.POST.get("action")
    if action == "export":
        response = HttpResponse(
            json.dumps(subscriptions.export(subscriber), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="newsletter-daten.json"'
        return response
    if action == "erase":
        if request.POST.get("sure"):
            subscriptions.erase(subscriber)
            return render(request, "articles/newsletter/message.html", {
                "title": _("Ihre Daten sind gelöscht"),
                "text": _("Wir haben Ihre Adresse, Ihre Auswahl und die Liste der an Sie "
                          "gesendeten E-Mails gelöscht. Sie erhalten nichts mehr von uns.")})
        return _manage_page(request, subscriber, FollowForm(initial=_current(subscriber)),
                            erase_error=_("Bitte bestätigen Sie, dass Sie Ihre Daten "
                                          "löschen möchten."), status=400)
    if action == "unsubscribe":
        subscriptions.unsubscribe(subscriber)
        return _unsubscribed(request)
    if action == "save":
        form = FollowForm(request.POST)
        if form.is_valid():
            subscriptions.change(subscriber, wants_newsletter=form.cleaned_data[
                "wants_newsletter"], frequency=form.cleaned_data["frequency"],
                follows=form.follows())
            return _manage_page(request, subscriber, form, saved=True)
        return _manage_page(request, subscriber, form, status=400)
    return _manage_page(request, subscriber, FollowForm(initial=_current(subscriber)))


def _current(subscriber):
    return {"wants_newsletter": subscriber.wants_newsletter,
            "frequency": subscriber.frequency, **subscriber.followed_slugs()}


def _manage_page(request, subscriber, form, *, status=200, **context):
    return render(request, "articles/newsletter/manage.html",
                  {"subscriber": subscriber, "form": form, **context}, status=status)


def _unsubscribed(request):
    return render(request, "articles/newsletter/message.html", {
        "title": _("Sie sind abgemeldet"),
        "text": _("Sie erhalten keine E-Mails mehr von uns, auch keine schon geplanten."),
        "signup_link": True})


@csrf_exempt  # RFC 8058: mail clients POST here without a page, so without a token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, key):
    subscriber = _subscriber(key)
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber)
        return _unsubscribed(request)
    return render(request, "articles/newsletter/unsubscribe.html", {"subscriber": subscriber})
