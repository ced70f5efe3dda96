"""One spider class per site profile, so `scrapy list` and `scrapy crawl SITE` know them.

The classes are made from the profiles at import time; they add nothing to
:class:`~newscrawler.spiders.news.NewsSpider` but their name.
"""

from __future__ import annotations

from newscrawler.profiles import all_profiles
from newscrawler.spiders.news import NewsSpider


def _spider_class(name: str) -> type[NewsSpider]:
    """A NewsSpider subclass bound to the profile ``name``."""
    class_name = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    return type(
        f"{class_name}Spider",
        (NewsSpider,),
        {"name": name, "profile_name": name, "__module__": __name__,
         "__doc__": f"Crawl the site of the {name!r} profile."},
    )


for _name in all_profiles():
    globals()[f"{_name}_spider"] = _spider_class(_name)
