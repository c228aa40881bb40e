"""moto's EventBridge Scheduler alone, threaded, on loopback: `python -m bench.moto_scheduler PORT`.

The `moto.server` command serves every service and, for each request, works out which one it is
for by looking through all of moto's modules: more time than the scheduler itself takes. The
benchmark measures our calls, not that.
"""

from __future__ import annotations

import logging
import sys

from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.serving import make_server

if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request costs time
    app = create_backend_app("scheduler")
    make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
