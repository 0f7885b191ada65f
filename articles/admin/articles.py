from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from articles.admin.forms import ArticleAdminForm
from articles.editorial import livecopy, presence, revisions, workflow
from articles.models import (
    Article,
    ChangeState,
    City,
    EditConflict,
    Status,
    Topic,
    Transition,
    WorkingCopy,
)
from articles.models.article import LIST_DEFERRED

from .common import NewsroomAdminMixin, without_related_buttons
from .history import ArticleHistoryAdminMixin
from .images import thumbnail
from .suggestions import EntitySuggestionsAdminMixin
from .users import person_name

# Small enough that the list's columns fit 1280 pixels beside navigation and filters.
LIST_THUMBNAIL_BOX = (48, 36)


class ChoiceListFilter(admin.SimpleListFilter):
    """A list filter that takes only the values its lookups offer.

    Anything else comes from a URL edited by hand; like Django's own filters with a
    malformed value, it sends the editor back to the unfiltered list instead of failing
    in the query. Subclasses narrow the queryset in `filter(queryset, value)`.
    """

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in {str(key) for key, _label in self.lookup_choices}:
            raise IncorrectLookupParameters(value)
        return self.filter(queryset, value)


class SubjectListFilter(ChoiceListFilter):
    """Filter by a topic or city through `ArticleQuerySet.tagged`, the public pages' rule."""

    subject_model = None

    def lookups(self, request, model_admin):
        return self.subject_model.objects.values_list("pk", "name")

    def filter(self, queryset, value):
        return queryset.tagged(**{self.parameter_name: value})


class TopicListFilter(SubjectListFilter):
    title = _("Thema")
    parameter_name = "topic"
    subject_model = Topic


class CityListFilter(SubjectListFilter):
    title = _("Kommune")
    parameter_name = "city"
    subject_model = City


class ChangesListFilter(ChoiceListFilter):
    """Published articles with pending changes, by the state of the changes."""

    title = _("Änderungen")
    parameter_name = "aenderungen"

    def lookups(self, request, model_admin):
        return ChangeState.choices

    def filter(self, queryset, value):
        return queryset.filter(working_copy__state=value)


class AuthorListFilter(ChoiceListFilter):
    """Only people who wrote something, listed by their names rather than user names."""

    title = _("Autor/in")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        # EXISTS asks each user once; a join with DISTINCT read every article's byline.
        wrote = Article.authors.through.objects.filter(user=OuterRef("pk"))
        authors = get_user_model().objects.filter(Exists(wrote))
        return [(user.pk, person_name(user)) for user in authors.order_by("last_name")]

    def filter(self, queryset, value):
        return queryset.filter(authors=value)


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # The trash has its own view: the status filter's "Im Papierkorb".
        if request.GET.get("status__exact") != Status.TRASHED:
            queryset = queryset.exclude(status=Status.TRASHED)
        return queryset

    def get_results(self, request):
        # The rows shown leave out the body and the search data, the two largest columns.
        # Only here: actions take `get_queryset` and need whole articles.
        self.queryset = self.queryset.defer(*LIST_DEFERRED)
        super().get_results(request)


@admin.register(Article)
class ArticleAdmin(NewsroomAdminMixin, ArticleHistoryAdminMixin, EntitySuggestionsAdminMixin,
                   admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    # Kicker and headline share a column, so that the list fits 1280 pixels beside the
    # navigation and the filters.
    list_display = ["lead_thumbnail", "title", "state", "published", "author_names"]
    list_display_links = ["title"]
    # Dates as a filter rather than a date hierarchy, whose list of years and months is a
    # DISTINCT over every article on each view of the list.
    list_filter = [
        "status", ChangesListFilter, ("published_at", admin.DateFieldListFilter), TopicListFilter,
        CityListFilter, AuthorListFilter,
    ]
    # Newest first, drafts (not yet dated) at the top, along the index (published_at, id).
    ordering = [F("published_at").desc(nulls_first=True), "-pk"]
    # One count, not two: the unfiltered total is one click away.
    show_full_result_count = False
    search_fields = ["kicker", "headline", "teaser", "body"]
    autocomplete_fields = ["lead_image", "people", "organisations", "related", "authors"]
    readonly_fields = ["state"]
    actions = ["submit_selected", "publish_selected", "publish_changes_selected",
               "archive_selected", "trash_selected", "untrash_selected"]
    # In the order a journalist writes: the text, then what it is about, then publishing.
    fieldsets = [
        (_("Artikel"), {"fields": ["kicker", "headline", "teaser", "body", "lead_image"]}),
        (
            _("Verschlagwortung"),
            {"fields": ["topics", "cities", "people", "organisations", "related"]},
        ),
        (
            _("Veröffentlichung"),
            {"fields": ["state", "published_at", "slug", "authors", "correction",
                        "changes_at", "workflow_comment", "accessibility_override",
                        "edit_version"]},
        ),
    ]

    class Media:
        css = {"all": ["articles/admin/article.css"]}
        js = ["articles/admin/prose-editor-de.js", "articles/admin/paste-clean.js",
              "articles/admin/char-count.js", "articles/admin/field-names.js",
              "articles/admin/image-chooser.js", "articles/admin/entity-suggestions.js"]

    def get_queryset(self, request):
        pending = WorkingCopy.objects.filter(article=OuterRef("pk")).values("state")[:1]
        return (
            super().get_queryset(request).select_related("lead_image")
            .prefetch_related("authors").annotate(changes_state=Subquery(pending))
        )

    def get_fieldsets(self, request, obj=None):
        shown = [*ArticleAdminForm.fields_for_changes(obj, request.user),
                 *ArticleAdminForm.fields_for_editors(request.user)]
        hidden = {"correction", "changes_at", "accessibility_override"} - set(shown)
        return [(name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
                for name, options in super().get_fieldsets(request, obj)]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_urls(self):
        # The body editor's dialogs ask `gettext`, whose catalog the admin loads without
        # their words. This one has both: it loads after jquery.init.js has replaced
        # `window.django`, and so sets up `gettext` anew with only what it brings itself.
        editor_catalog = path(
            "jsi18n/",
            self.admin_site.admin_view(
                JavaScriptCatalog.as_view(packages=["django.contrib.admin", "django_prose_editor"]),
                cacheable=True,
            ),
            name="articles_article_jsi18n",
        )
        return [editor_catalog, *self.get_history_urls(), *self.get_suggestion_urls(),
                *super().get_urls()]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Pictures are picked and uploaded in the image chooser; the pencil still opens
        # the chosen one's caption and credit.
        without_related_buttons(form, "lead_image", keep=("change", "view"))
        transition = request.POST.get("_workflow") if request.method == "POST" else None
        return partial(form, user=request.user, transition=transition)

    def get_changeform_initial_data(self, request):
        """A new article is written by whoever starts it."""
        return {"authors": [request.user.pk], **super().get_changeform_initial_data(request)}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.workflow_context(request, object_id)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between our version check and our write; the write was rolled
            # back. Handling the same POST again shows the conflict with the typed text.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, object_id):
        article = self.get_object(request, object_id) if object_id else None
        if article is None:
            steps = workflow.available_steps(Article(), request.user)
            return {"workflow_steps": steps, "primary_step": workflow.primary_step(steps),
                    "state_label": workflow.STATE_LABELS[workflow.DRAFT],
                    "site_host": request.get_host()}
        presence.touch(article, request.user)
        working_copy = livecopy.working_copy_of(article)
        # A comment sent back stays in view while what it was about waits for work.
        changes_waiting = (working_copy.state == ChangeState.DRAFT if working_copy
                           else article.status == Status.DRAFT)
        sent_back = changes_waiting and article.workflow_events.filter(
            transition__in=[Transition.SEND_BACK, Transition.SEND_BACK_CHANGES]).first()
        steps = workflow.available_steps(
            article, request.user, editing=self.has_change_permission(request, article))
        return {
            "workflow_steps": steps,
            "primary_step": workflow.primary_step(steps, workflow.state_of(article)),
            "state_label": self.state(article),
            "heartbeat_seconds": int(presence.HEARTBEAT.total_seconds()),
            "site_host": request.get_host(),
            "working_copy": working_copy,
            "pending_changes": working_copy and revisions.diff(
                revisions.snapshot(article), working_copy.data),
            "others_editing": [
                person_name(user) for user in presence.others_editing(article, request.user)
            ],
            "sent_back": sent_back or None,
            "preview_url": reverse("articles:preview", args=[article.pk]),
            "public_url": article.get_absolute_url() if article.is_public else None,
            "workflow_events": article.workflow_events.select_related("user")[:20],
            "accessibility_findings": workflow.accessibility_findings(article),
        }

    def render_change_form(self, request, context, *args, **kwargs):
        # The body editor's import map is an inline script: it runs under our Content
        # Security Policy only with this request's nonce.
        media = context.get("media")
        if hasattr(media, "with_nonce"):
            context["media"] = media.with_nonce(str(request.csp_nonce))
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Changes go through the one writer of content: the row, or a published
        # article's working copy, merged with what others saved meanwhile.
        livecopy.save(
            obj, form.content, request.user, expected_version=form.expected_version,
            correction=form.cleaned_data.get("correction"),
        )

    def save_related(self, request, form, formsets, change):
        article = form.instance
        if not change:
            super().save_related(request, form, formsets, change)
            if not form.transition:  # the step records the version itself
                revisions.record(article, request.user)
        if form.transition:
            event = workflow.perform(
                article, form.transition, request.user, publish_at=form.step_time(),
                comment=form.cleaned_data.get("workflow_comment", ""),
                accessibility_override=form.cleaned_data.get("accessibility_override", ""),
            )
            self.message_user(request, _("Artikel %(step)s.") % {
                "step": event.get_transition_display()}, messages.SUCCESS)
            if form.accessibility_findings:
                # Said at submission too, when nothing stops yet: the editor will ask.
                self.message_user(request, _(
                    "Barrierefreiheit: %(count)d Hinweis(e), siehe Artikelformular.") % {
                    "count": len(form.accessibility_findings)}, messages.WARNING)

    def view_on_site(self, obj):
        # Drafts and scheduled articles have no public page yet.
        return obj.get_absolute_url() if obj.is_public else None

    def has_delete_permission(self, request, obj=None):
        # Articles go into the trash (a workflow step); deleting one for good, with its
        # history, is an editor's explicit act there.
        if obj is not None and obj.status != Status.TRASHED:
            return False
        return workflow.can_publish(request.user) and super().has_delete_permission(
            request, obj)

    def has_change_permission(self, request, obj=None):
        # A trashed article is read-only until an editor takes it out of the trash.
        if obj is not None and obj.status == Status.TRASHED:
            return False
        return super().has_change_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.GET.get("status__exact") != Status.TRASHED:
            actions.pop("delete_selected", None)
            actions.pop("untrash_selected", None)
        else:
            actions = {name: action for name, action in actions.items()
                       if name in ("delete_selected", "untrash_selected")}
        return actions

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(status=Status.TRASHED))

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def take_step(self, request, queryset, transition, on_changes=None):
        """A bulk action: take one workflow step on each article (`on_changes` instead on
        an article with pending changes); report what was refused."""
        done, refused = 0, []
        for article in queryset:
            step = transition
            if on_changes and getattr(article, "changes_state", None):
                step = on_changes
            try:
                workflow.perform(article, step, request.user)
            except (ValidationError, PermissionDenied) as refusal:
                reasons = getattr(refusal, "messages", None) or [str(refusal)]
                refused.append(f"„{article.headline}“: {' '.join(reasons)}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(step)s: %(count)d Artikel.") % {
                    "step": workflow.STEPS[transition].label, "count": done},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, _("Nicht möglich für %(reason)s") % {"reason": reason},
                              messages.WARNING)

    @admin.action(description=_("Ausgewählte zur Prüfung einreichen"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self.take_step(request, queryset, Transition.SUBMIT,
                       on_changes=Transition.SUBMIT_CHANGES)

    @admin.action(description=_("Ausgewählte jetzt veröffentlichen"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.take_step(request, queryset, Transition.PUBLISH)

    @admin.action(description=_("Änderungen der ausgewählten veröffentlichen"),
                  permissions=["publish"])
    def publish_changes_selected(self, request, queryset):
        self.take_step(request, queryset, Transition.PUBLISH_CHANGES)

    @admin.action(description=_("Ausgewählte archivieren"), permissions=["publish"])
    def archive_selected(self, request, queryset):
        self.take_step(request, queryset, Transition.ARCHIVE)

    @admin.action(description=_("Ausgewählte in den Papierkorb legen"), permissions=["change"])
    def trash_selected(self, request, queryset):
        self.take_step(request, queryset, Transition.TRASH)

    @admin.action(description=_("Ausgewählte aus dem Papierkorb holen"), permissions=["publish"])
    def untrash_selected(self, request, queryset):
        self.take_step(request, queryset, Transition.UNTRASH)

    @admin.display(description=_("Status"), ordering="status")
    def state(self, obj):
        state = workflow.state_of(obj)
        label = workflow.STATE_LABELS[state]
        if state == workflow.SCHEDULED:
            when = date_format(localtime(obj.published_at), "SHORT_DATETIME_FORMAT")
            label = _("%(state)s für %(when)s") % {"state": label, "when": when}
        changes = getattr(obj, "changes_state", None)
        if changes is None and obj.pk and not hasattr(obj, "changes_state"):
            changes = workflow.changes_state_of(obj)
        if changes:
            return _("%(state)s – %(changes)s") % {
                "state": label, "changes": ChangeState(changes).label}
        return label

    @admin.display(description=_("Artikel"), ordering="headline")
    def title(self, obj):
        if obj.kicker:
            return format_html('<span class="changelist-kicker">{}</span> {}', obj.kicker,
                               obj.headline)
        return obj.headline

    @admin.display(description=_("Von"))
    def author_names(self, obj):
        return ", ".join(person_name(user) for user in obj.authors.all())

    @admin.display(description=_("Bild"))
    def lead_thumbnail(self, obj):
        return thumbnail(obj.lead_image, box=LIST_THUMBNAIL_BOX)

    @admin.display(description=_("Veröffentlicht"), ordering="published_at")
    def published(self, obj):
        if obj.published_at is None:
            return "–"
        return date_format(localtime(obj.published_at), "SHORT_DATETIME_FORMAT")
