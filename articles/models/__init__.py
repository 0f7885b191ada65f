"""The newsroom's content model, one module per concern."""

from .article import Article, ArticleQuerySet, Status
from .images import Image, ImageCredit
from .people import Affiliation, Organisation, Person
from .tags import City, Topic, TaggedCity, TaggedTopic
from .teasers import Placement, Teaser

__all__ = [
    "Affiliation",
    "Article",
    "ArticleQuerySet",
    "City",
    "Image",
    "ImageCredit",
    "Organisation",
    "Person",
    "Placement",
    "Status",
    "TaggedCity",
    "TaggedTopic",
    "Teaser",
    "Topic",
]
