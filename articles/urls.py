from django.urls import path

from articles import views

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
]
