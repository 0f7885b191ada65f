"""The pages of the second factor: confirm it at sign-in, set it up, recovery codes, one's
own security page with the sessions, and the editors-in-chief's reset. Thin: the work is
done in `factors` and `sessions`."""

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model, logout
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import events, factors, sessions
from .forms import CodeForm
from .middleware import ENROL, VERIFY, allowed_before, owed_step

User = get_user_model()


def page(request, template, title, status=200, **context):
    return TemplateResponse(request, f"admin/accounts/{template}", {
        **admin.site.each_context(request), "title": title, **context}, status=status)


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def locked_out(request):
    logout(request)
    return TemplateResponse(request, settings.AXES_LOCKOUT_TEMPLATE, {
        "cooloff_timedelta": settings.AXES_COOLOFF_TIME}, status=429)


@allowed_before(VERIFY)
@never_cache
@staff_member_required
def verify(request):
    """The second step of signing in: a passkey, a code from the app or a recovery code."""
    user = request.user
    if owed_step(user) != VERIFY:
        return redirect(next_url(request))
    if factors.is_locked_out(request, user):
        return locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = factors.check_code(request, user, form.cleaned_data["code"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if result.ok:
            if isinstance(result.device, StaticDevice):
                left = result.device.token_set.count()
                messages.warning(request, ngettext(
                    "Sie haben einen Wiederherstellungscode verwendet; es ist noch %(n)d übrig.",
                    "Sie haben einen Wiederherstellungscode verwendet; es sind noch %(n)d übrig.",
                    left) % {"n": left} + " " + _(
                    "Richten Sie einen neuen zweiten Faktor ein, wenn Sie Ihr Gerät verloren "
                    "haben."))
            return redirect(next_url(request))
        form.add_error("code", refusal(result))
    return page(request, "verify.html", _("Anmeldung bestätigen"), form=form,
                has_app=factors.apps_of(user).exists(),
                has_passkey=factors.passkeys_of(user).exists(),
                next=next_url(request))


def refusal(result):
    if result.throttled:
        return ngettext(
            "Zu viele falsche Codes. Bitte warten Sie %(s)d Sekunde und versuchen Sie es dann "
            "erneut.",
            "Zu viele falsche Codes. Bitte warten Sie %(s)d Sekunden und versuchen Sie es dann "
            "erneut.", result.wait_seconds) % {"s": result.wait_seconds}
    return _("Der Code stimmt nicht oder wurde schon verwendet. Bitte geben Sie den Code ein, "
             "den die App gerade zeigt, oder einen unbenutzten Wiederherstellungscode.")


@allowed_before(ENROL)
@never_cache
@staff_member_required
def enrol(request):
    """Where NEWSROOM_MFA=required leads a member without a second factor."""
    if owed_step(request.user) != ENROL:
        return redirect("accounts:security")
    return page(request, "enrol.html", _("Zweiten Faktor einrichten"),
                after_passkey=reverse("accounts:recovery_codes"))


@allowed_before(ENROL)
@never_cache
@staff_member_required
def app_setup(request):
    """Set up an authenticator app: scan the QR code or type the key, confirm a code."""
    device = factors.pending_app(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = factors.confirm_app(request, device, form.cleaned_data["code"])
        if result.ok:
            messages.success(request, _("Die Authenticator-App ist eingerichtet."))
            return redirect("accounts:recovery_codes")
        form.add_error("code", refusal(result) if result.throttled else _(
            "Der Code stimmt nicht. Prüfen Sie, ob die Uhr Ihres Geräts richtig geht, und "
            "geben Sie den Code ein, den die App gerade zeigt."))
    qr = segno.make(device.config_url, error="m")
    return page(request, "app_setup.html", _("Authenticator-App einrichten"), form=form,
                qr_code=qr.svg_data_uri(scale=5, border=2),
                key=factors.formatted_key(device), enrolling=owed_step(request.user) == ENROL)


@never_cache
@staff_member_required
def recovery_codes(request):
    """The ten recovery codes, to print or download, and new ones on request."""
    user = request.user
    if not factors.has_factor(user):
        return redirect("accounts:security")
    if request.method == "POST":
        factors.renew_recovery_codes(request, user)
        messages.success(request, _("Neue Wiederherstellungscodes erzeugt; die alten gelten "
                                    "nicht mehr."))
        return redirect("accounts:recovery_codes")
    return page(request, "recovery_codes.html", _("Wiederherstellungscodes"),
                codes=factors.recovery_codes(user))


@never_cache
@staff_member_required
def recovery_codes_download(request):
    codes = factors.recovery_codes(request.user) if factors.has_factor(request.user) else []
    text = _("Wiederherstellungscodes für %(user)s bei %(site)s") % {
        "user": request.user.get_username(), "site": settings.NEWSROOM_SITE_NAME}
    text += "\n" + _("Jeder Code gilt einmal.") + "\n\n" + "\n".join(codes) + "\n"
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wiederherstellungscodes.txt"'
    return response


@never_cache
@staff_member_required
def security(request):
    """One's own page: factors, recovery codes, sessions, password."""
    user = request.user
    return page(
        request, "security.html", _("Anmeldung und Sicherheit"),
        apps=factors.apps_of(user), passkeys=factors.passkeys_of(user),
        codes_left=len(factors.recovery_codes(user)), sessions=sessions.active(user),
        current_session=request.session.session_key, required=factors.required(),
        after_passkey=reverse("accounts:security"),
        may_reset=user.has_perm("accounts.reset_second_factor"),
    )


@require_POST
@staff_member_required
def remove_factor(request, kind, pk):
    model = {"app": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        return redirect("accounts:security")
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    refusal = factors.remove(request, request.user, device)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("%(factor)s entfernt.") % {
            "factor": factors.describe(device)})
    return redirect("accounts:security")


@require_POST
@staff_member_required
def end_other_sessions(request):
    ended = sessions.end_others(request)
    events.record(request, events.Kind.SESSIONS_ENDED, request.user, detail=str(ended))
    messages.success(request, ngettext("%(n)d andere Sitzung beendet.",
                                       "%(n)d andere Sitzungen beendet.", ended) % {"n": ended})
    return redirect("accounts:security")


def password_change(request):
    """Django's admin password change; a success also ends every other session."""
    old_key = request.session.session_key
    response = admin.site.password_change(request)
    if request.method == "POST" and response.status_code == 302:
        sessions.password_changed(request, old_key)
        events.record(request, events.Kind.PASSWORD_CHANGED, request.user)
    return response


def may_reset(user):
    return user.is_active and user.is_staff and user.has_perm("accounts.reset_second_factor")


@never_cache
@staff_member_required
def team(request):
    """The editors-in-chief's view of who has which factor, with the reset."""
    if not may_reset(request.user):
        return page(request, "forbidden.html", _("Keine Berechtigung"), status=403)
    members = User.objects.filter(is_staff=True, is_active=True).annotate(
        has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        passkey_count=Count("webauthncredential", filter=Q(webauthncredential__confirmed=True),
                            distinct=True),
    ).order_by("last_name", "first_name", "username")
    return page(request, "team.html", _("Zweite Faktoren im Team"), members=members)


@never_cache
@staff_member_required
def reset(request, pk):
    if not may_reset(request.user):
        return page(request, "forbidden.html", _("Keine Berechtigung"), status=403)
    member = get_object_or_404(User, pk=pk, is_staff=True)
    if member == request.user:
        messages.error(request, _("Ihre eigenen Faktoren ändern Sie auf Ihrer Seite "
                                  "„Anmeldung und Sicherheit“."))
        return redirect("accounts:team")
    if request.method == "POST":
        factors.reset(request, member)
        messages.success(request, _(
            "Die zweiten Faktoren von %(name)s sind zurückgesetzt und alle Sitzungen beendet. "
            "Bei der nächsten Anmeldung richtet %(name)s einen neuen ein.") % {
            "name": member.get_full_name() or member.get_username()})
        return redirect("accounts:team")
    return page(request, "reset_confirm.html", _("Zweiten Faktor zurücksetzen"),
                member=member)
