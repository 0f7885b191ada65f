"""The API's and the embed's URLs; a path under /api/ that names nothing answers a
problem document (articles.api.middleware), not the HTML 404 page."""

from django.urls import path

from . import embed
from .routes import api, index

urlpatterns = [
    # Before ninja's own root, which only answers 404.
    path("api/v1/", index, name="api_index"),
    path("api/v1/", api.urls),
    path("einbinden/kommune/<slug:slug>/", embed.city_box, name="embed_city"),
    path("einbinden/thema/<slug:slug>/", embed.topic_box, name="embed_topic"),
]
