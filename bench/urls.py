"""The site's URLs and the two ceilings, which exist only while the benchmark runs."""

from django.urls import include, path

from bench import ceiling

urlpatterns = [
    path("bench/ceiling/template/", ceiling.template_ceiling, name="bench_template_ceiling"),
    path("bench/ceiling/bytes/", ceiling.bytes_ceiling, name="bench_bytes_ceiling"),
    path("", include("newsroom.urls")),
]
