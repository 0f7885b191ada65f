from django.urls import path, register_converter

from articles.public import views
from articles.public.archive import MonthConverter, YearConverter
from articles.public.feeds import ArticleFeed
from articles.public.legal import LegalPageConverter

register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(LegalPageConverter, "legal")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("artikel/", views.ArticleListView.as_view(), name="list"),
    path("artikel/<slug:slug>/", views.article_detail, name="detail"),
    path("vorschau/<int:pk>/", views.article_preview, name="preview"),
    path("vorschau/link/<str:token>/", views.article_preview_share, name="preview_share"),
    path("thema/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("kommune/<slug:slug>/", views.CityView.as_view(), name="city"),
    path("person/<slug:slug>/", views.PersonView.as_view(), name="person"),
    path("organisation/<slug:slug>/", views.OrganisationView.as_view(), name="organisation"),
    path("feeds/rss/", ArticleFeed("rss"), name="feed_rss"),
    path("feeds/atom/", ArticleFeed("atom"), name="feed_atom"),
    path("thema/<slug:slug>/rss/", ArticleFeed("rss", "topic"), name="topic_feed_rss"),
    path("thema/<slug:slug>/atom/", ArticleFeed("atom", "topic"), name="topic_feed_atom"),
    path("kommune/<slug:slug>/rss/", ArticleFeed("rss", "city"), name="city_feed_rss"),
    path("kommune/<slug:slug>/atom/", ArticleFeed("atom", "city"), name="city_feed_atom"),
    path("person/<slug:slug>/rss/", ArticleFeed("rss", "person"), name="person_feed_rss"),
    path("person/<slug:slug>/atom/", ArticleFeed("atom", "person"), name="person_feed_atom"),
    path(
        "organisation/<slug:slug>/rss/",
        ArticleFeed("rss", "organisation"),
        name="organisation_feed_rss",
    ),
    path(
        "organisation/<slug:slug>/atom/",
        ArticleFeed("atom", "organisation"),
        name="organisation_feed_atom",
    ),
    path("archiv/", views.archive_index, name="archive"),
    path("archiv/<year:year>/", views.archive_index, name="archive_year"),
    path(
        "archiv/<year:year>/<month:month>/",
        views.ArchiveMonthView.as_view(),
        name="archive_month",
    ),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("bildnachweise/", views.image_credits, name="credits"),
    path("<legal:kind>/", views.legal_page, name="legal"),
    # Old WordPress permalinks (after every other address, which they must not shadow).
    path("<year:year>/<month:month>/<int:day>/<slug:slug>/", views.old_permalink,
         name="wordpress_day"),
    path("<year:year>/<month:month>/<slug:slug>/", views.old_permalink, name="wordpress_month"),
    path("<slug:slug>/", views.old_permalink, name="wordpress_slug"),
]
