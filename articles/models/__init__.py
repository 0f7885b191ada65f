"""The newsroom's content model, one module per concern."""

from .article import Article, ArticleQuerySet, EditConflict, Status
from .history import ArticleRedirect, EditingPresence, Revision, Transition, WorkflowEvent
from .images import Image, ImageCredit, LicenceType, Rendition, licensed
from .imports import ImportedItem
from .livecopy import ChangeState, WorkingCopy
from .newsletter import (
    Delivery,
    DeliveryState,
    Frequency,
    IssueArticle,
    IssueState,
    Mailing,
    MailingKind,
    NewsletterIssue,
    Subscriber,
)
from .people import Affiliation, Organisation, Person
from .site import LegalPage, LegalPageKind, LegalPageVersion, NavigationItem
from .subjects import SubjectRedirect
from .tags import City, TaggedCity, TaggedTopic, Topic
from .teasers import Placement, Teaser
from .versioning import StaleSave, Versioned

__all__ = [
    "Affiliation",
    "Article",
    "ArticleRedirect",
    "ArticleQuerySet",
    "ChangeState",
    "City",
    "Delivery",
    "DeliveryState",
    "Frequency",
    "IssueArticle",
    "IssueState",
    "Mailing",
    "MailingKind",
    "NewsletterIssue",
    "Subscriber",
    "EditConflict",
    "EditingPresence",
    "Image",
    "ImageCredit",
    "ImportedItem",
    "LicenceType",
    "LegalPage",
    "LegalPageKind",
    "LegalPageVersion",
    "NavigationItem",
    "Organisation",
    "Person",
    "Placement",
    "Rendition",
    "StaleSave",
    "Revision",
    "Status",
    "SubjectRedirect",
    "TaggedCity",
    "TaggedTopic",
    "Teaser",
    "Topic",
    "Transition",
    "Versioned",
    "WorkflowEvent",
    "WorkingCopy",
    "licensed",
]
