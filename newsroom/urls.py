from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.public.sitemaps import SITEMAPS, NewsSitemap, robots_txt, sitemap_index
from newsroom import health, media
from newsroom.accounts import urls as accounts_urls
from newsroom.accounts import views as accounts_views

handler403 = "newsroom.errors.permission_denied"

urlpatterns = [
    # The second factor's pages, and the password change that ends other sessions, before
    # the admin's own URLs (newsroom/accounts/).
    path("admin/sicherheit/passkey/", include(accounts_urls.passkey_patterns)),
    path("admin/sicherheit/", include(accounts_urls.account_patterns)),
    path("admin/password_change/", admin.site.admin_view(accounts_views.password_change)),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    # Before the sections, whose pattern would match it too.
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    *media.urlpatterns(),
    path("", include("articles.api.urls")),
    # Before the articles' URLs, whose old WordPress permalinks would match "newsletter/".
    path("newsletter/", include("articles.newsletter.urls")),
    path("", include("articles.urls")),
]
