from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Redaktion")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_migrate

        from articles import cache, groups, images, surrogate_keys
        from articles.editorial import workflow
        from articles.public import legal
        from articles.vocabulary import merge, suggest

        surrogate_keys.connect()
        suggest.connect()
        merge.connect()
        images.connect_file_cleanup()
        images.connect_publicity_following()
        cache.came_due.connect(workflow.publish_when_due, dispatch_uid="publish-when-due")
        surrogate_keys.committed.connect(cache.ask_next_publication,
                                         dispatch_uid="ask-next-publication")
        post_migrate.connect(groups.update_groups_after_migrate, sender=self)
        checks.register(legal.impressum_check, deploy=True)
