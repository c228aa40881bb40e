"""Providers' HTML pages, read with BeautifulSoup (bs4, the `scrapers` extra).

A subpackage, so the registry's search for declarations never imports it: a provider's module
imports its page reader only when a page is parsed.
"""
