"""Merging two topics, places, people or organisations from their admin lists: the
editor picks two, sees what will change for either direction, chooses the one that
stays and confirms (articles.vocabulary.merge does it)."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.vocabulary import merge


class MergeActionMixin:
    actions = ["merge_selected"]

    @admin.action(description=gettext_lazy("Zwei Ausgewählte zusammenführen …"),
                  permissions=["delete"])
    def merge_selected(self, request, queryset):
        chosen = list(queryset.order_by("pk")[:3])
        if len(chosen) != 2:
            self.message_user(request, _("Wählen Sie genau zwei Einträge zum Zusammenführen."),
                              messages.WARNING)
            return None
        first, second = chosen
        plans, refusals = [], []
        for source, target in ((first, second), (second, first)):
            try:
                plans.append(merge.plan(source, target))
            except merge.MergeRefused as refusal:
                refusals.append(str(refusal))
        keep = request.POST.get("keep")
        if request.POST.get("confirm") and keep:
            done = next((p for p in plans if str(p.target.pk) == keep), None)
            if done is None:
                self.message_user(request, _("Bitte wählen Sie, welcher Eintrag bleibt."),
                                  messages.ERROR)
            else:
                try:
                    merge.merge(done.source, done.target, request.user)
                except merge.MergeRefused as refusal:
                    self.message_user(request, str(refusal), messages.ERROR)
                else:
                    self.message_user(request, _("„%(source)s“ ist in „%(target)s“ "
                                                 "aufgegangen.") % {
                        "source": done.source, "target": done.target}, messages.SUCCESS)
                    return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(request, "admin/articles/merge.html", {
            **self.admin_site.each_context(request),
            "title": _("Zusammenführen: %(first)s und %(second)s") % {
                "first": first, "second": second},
            "opts": self.opts,
            "plans": plans,
            "refusals": refusals,
            "chosen": chosen,
            "keep": keep,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })
