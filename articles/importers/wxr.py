"""Reading WordPress export files (WXR 1.1 and 1.2) into plain records.

WXR is RSS 2.0 with WordPress' own elements in the namespace
`http://wordpress.org/export/<version>/`. The file is read completely before the import
writes anything, so a file that is not WXR, or breaks off in the middle, is refused
with nothing written. Python's expat refuses entity expansion attacks by itself.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS = re.compile(r"^http://wordpress\.org/export/(1\.[12])/(excerpt/)?$")
SUPPORTED = {"1.1", "1.2"}


class NotWXR(Exception):
    """The file is no WordPress export we can read; the message says why, in German."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Item:
    """One <item>: a post, page, menu entry or attachment, as WordPress stored it."""

    post_id: int
    post_type: str
    status: str = ""
    title: str = ""
    guid: str = ""
    slug: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""  # the site's local time, "YYYY-MM-DD HH:MM:SS"
    date_gmt: str = ""
    parent: int = 0
    attachment_url: str = ""
    password: str = ""  # a password-protected post was never public
    categories: list = field(default_factory=list)  # [(domain, name)]
    meta: dict = field(default_factory=dict)


@dataclass
class Export:
    version: str
    site_url: str
    authors: dict  # login -> Author
    items: list


def _name(tag):
    """"{ns}local" as "prefix:local", whatever version the wp namespace has."""
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    if namespace == CONTENT_NS:
        return f"content:{local}"
    if namespace == DC_NS:
        return f"dc:{local}"
    match = WP_NS.match(namespace)
    if match:
        return f"{'excerpt' if match.group(2) else 'wp'}:{local}"
    return local


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def _children(element):
    return {_name(child.tag): child for child in element}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def read(path):
    """The export at `path`; raise NotWXR if it is none."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise NotWXR(_("Die Datei ist kein gültiges XML (%(error)s).") % {"error": error}) \
            from error
    except OSError as error:
        raise NotWXR(_("Die Datei lässt sich nicht lesen (%(error)s).") % {"error": error}) \
            from error
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise NotWXR(_("Die Datei ist kein WordPress-Export (kein RSS-Kanal)."))
    top = {}
    for child in channel:
        top.setdefault(_name(child.tag), child)
    version = _text(top.get("wp:wxr_version"))
    if not version:
        raise NotWXR(_("Die Datei ist kein WordPress-Export (es fehlt wp:wxr_version)."))
    if version not in SUPPORTED:
        raise NotWXR(_("WXR-Version %(version)s wird nicht unterstützt (nur 1.1 und 1.2).")
                     % {"version": version})
    authors = {}
    for element in channel:
        if _name(element.tag) == "wp:author":
            author = _author(_children(element))
            authors[author.login] = author
    items = [_item(element) for element in channel.iter("item")]
    site_url = _text(top.get("wp:base_blog_url")) or _text(top.get("link"))
    return Export(version, site_url, authors, items)


def _author(children):
    def get(name):
        return _text(children.get(f"wp:author_{name}"))

    return Author(login=get("login"), email=get("email"), display_name=get("display_name"),
                  first_name=get("first_name"), last_name=get("last_name"))


def _item(element):
    children = _children(element)

    def get(name):
        return _text(children.get(name))

    item = Item(
        post_id=_int(get("wp:post_id")), post_type=get("wp:post_type") or "post",
        status=get("wp:status"), title=get("title"), guid=get("guid"),
        slug=get("wp:post_name"), creator=get("dc:creator"),
        content=(children["content:encoded"].text or "") if "content:encoded" in children
        else "",
        excerpt=get("excerpt:encoded"), date=get("wp:post_date"),
        date_gmt=get("wp:post_date_gmt"), parent=_int(get("wp:post_parent")),
        attachment_url=get("wp:attachment_url"), password=get("wp:post_password"),
    )
    for child in element:
        name = _name(child.tag)
        if name == "category":
            item.categories.append((child.get("domain", ""), _text(child)))
        elif name == "wp:postmeta":
            meta = _children(child)
            item.meta[_text(meta.get("wp:meta_key"))] = (
                meta["wp:meta_value"].text or "" if "wp:meta_value" in meta else "")
    return item


def parse_date(value):
    """A WXR time ("2021-05-03 09:30:00") as a naive datetime, or None for WordPress'
    "0000-00-00 00:00:00" and anything unreadable."""
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return None


# PHP's serialize() format, in which WordPress exports attachment metadata ---------------

_PHP_TOKEN = re.compile(r"([sibdaNO]):")


def php_unserialize(text):
    """The value of a PHP-serialised string (arrays as dicts), or None if it is none.

    Only what WordPress writes into `_wp_attachment_metadata`: strings, numbers,
    booleans, null and arrays. Objects are refused: nothing here ever runs code.
    """
    data = (text or "").encode()
    try:
        value, end = _php_value(data, 0)
    except (ValueError, IndexError):
        return None
    return value if end == len(data.rstrip()) else None


def _php_value(data, pos):
    kind = chr(data[pos])
    if kind == "N":
        return None, pos + 2
    if kind in "ibd":
        end = data.index(b";", pos)
        raw = data[pos + 2:end].decode()
        value = {"i": int, "d": float, "b": lambda v: v == "1"}[kind](raw)
        return value, end + 1
    if kind == "s":
        colon = data.index(b":", pos + 2)
        length = int(data[pos + 2:colon])
        start = colon + 2  # past :"
        value = data[start:start + length].decode("utf-8", "replace")
        if data[start + length:start + length + 2] != b'";':
            raise ValueError("string length")
        return value, start + length + 2
    if kind == "a":
        colon = data.index(b":", pos + 2)
        count = int(data[pos + 2:colon])
        pos = colon + 2  # past :{
        result = {}
        for _ in range(count):
            key, pos = _php_value(data, pos)
            result[key], pos = _php_value(data, pos)
        if data[pos:pos + 1] != b"}":
            raise ValueError("array end")
        return result, pos + 1
    raise ValueError(f"unsupported {kind}")


# Writing ----------------------------------------------------------------------------------


def _cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def php_serialize(value):
    """The inverse of php_unserialize, for exports we build ourselves."""
    if isinstance(value, dict):
        inner = "".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
        return f"a:{len(value)}:{{{inner}}}"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    text = str(value)
    return f's:{len(text.encode())}:"{text}";'


def build(items, *, authors=(), version="1.2", site="https://alt.example.de"):
    """A WXR document (bytes) as WordPress writes one, from dicts with Item's field
    names (`date` a naive datetime in UTC; `categories` as (domain, name) pairs; `meta`
    a dict). The tests and the benchmark's generator build their exports with it."""
    from xml.sax.saxutils import escape, quoteattr

    ns = f"http://wordpress.org/export/{version}/"
    out = [
        '<?xml version="1.0" encoding="UTF-8" ?>\n',
        f'<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="{CONTENT_NS}" '
        f'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="{DC_NS}" '
        f'xmlns:wp="{ns}">\n<channel>\n<title>Alte Website</title>\n<link>{site}</link>\n'
        f"<language>de-DE</language>\n<wp:wxr_version>{version}</wp:wxr_version>\n"
        f"<wp:base_site_url>{site}</wp:base_site_url>\n"
        f"<wp:base_blog_url>{site}</wp:base_blog_url>\n",
    ]
    for author in authors:
        out.append("<wp:author>" + "".join(
            f"<wp:author_{name}>{_cdata(author.get(name, ''))}</wp:author_{name}>"
            for name in ("login", "email", "display_name", "first_name", "last_name")
        ) + "</wp:author>\n")
    for item in items:
        date = item.get("date") or datetime.datetime(2021, 5, 3, 9, 30)
        date_text = date.strftime("%Y-%m-%d %H:%M:%S")
        post_id = item["post_id"]
        out.append(
            f"<item>\n<title>{escape(item.get('title', ''))}</title>\n"
            f"<link>{site}/?p={post_id}</link>\n"
            f"<dc:creator>{_cdata(item.get('creator', ''))}</dc:creator>\n"
            f'<guid isPermaLink="false">{escape(item.get("guid", f"{site}/?p={post_id}"))}'
            "</guid>\n<description></description>\n"
            f"<content:encoded>{_cdata(item.get('content', ''))}</content:encoded>\n"
            f"<excerpt:encoded>{_cdata(item.get('excerpt', ''))}</excerpt:encoded>\n"
            f"<wp:post_id>{post_id}</wp:post_id>\n"
            f"<wp:post_date>{_cdata(item.get('local_date', date_text))}</wp:post_date>\n"
            f"<wp:post_date_gmt>{_cdata(item.get('date_gmt', date_text))}</wp:post_date_gmt>\n"
            f"<wp:post_name>{_cdata(item.get('slug', ''))}</wp:post_name>\n"
            f"<wp:status>{_cdata(item.get('status', 'publish'))}</wp:status>\n"
            f"<wp:post_parent>{item.get('parent', 0)}</wp:post_parent>\n"
            f"<wp:post_password>{_cdata(item.get('password', ''))}</wp:post_password>\n"
            f"<wp:post_type>{_cdata(item.get('post_type', 'post'))}</wp:post_type>\n"
        )
        if item.get("attachment_url"):
            out.append(f"<wp:attachment_url>{_cdata(item['attachment_url'])}"
                       "</wp:attachment_url>\n")
        for domain, name in item.get("categories", ()):
            out.append(f"<category domain={quoteattr(domain)} "
                       f"nicename={quoteattr(name.lower())}>{_cdata(name)}</category>\n")
        for key, value in item.get("meta", {}).items():
            value = php_serialize(value) if isinstance(value, dict) else value
            out.append(f"<wp:postmeta><wp:meta_key>{_cdata(key)}</wp:meta_key>"
                       f"<wp:meta_value>{_cdata(value)}</wp:meta_value></wp:postmeta>\n")
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out).encode()
