"""Probing a site for ``add-site`` and ``check-site``: polite fetching, discovery of feeds and
sitemaps, the article URL pattern, and the extraction quality report."""
