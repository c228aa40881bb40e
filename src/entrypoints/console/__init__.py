"""The operator console: server-rendered pages under `/console` (README, "The console").

An entrypoint like the JSON API: each page calls the read path (`entrypoints.api.queries`) and only
renders what it answers, with Jinja2 templates, plain CSS and a little vanilla JS (team
highlighting, reloading a round while matches are live); every page reads without JS.
"""

from entrypoints.console.pages import CONSOLE_PREFIX, Console

__all__ = ["CONSOLE_PREFIX", "Console"]
