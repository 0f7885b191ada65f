"""The newsroom's content model, one module per concern."""

from .article import Article, ArticleQuerySet, EditConflict, Status
from .history import ArticleRedirect, EditingPresence, Revision, Transition, WorkflowEvent
from .images import Image, ImageCredit, Rendition
from .people import Affiliation, Organisation, Person
from .tags import City, TaggedCity, TaggedTopic, Topic
from .teasers import Placement, Teaser

__all__ = [
    "Affiliation",
    "Article",
    "ArticleRedirect",
    "ArticleQuerySet",
    "City",
    "EditConflict",
    "EditingPresence",
    "Image",
    "ImageCredit",
    "Organisation",
    "Person",
    "Placement",
    "Rendition",
    "Revision",
    "Status",
    "TaggedCity",
    "TaggedTopic",
    "Teaser",
    "Topic",
    "Transition",
    "WorkflowEvent",
]
