"""Result providers: one `ResultSource` adapter per provider, over one HTTP foundation.

- `http`: the client every provider shares (timeouts, User-Agent, retries with backoff that
  honour `Retry-After`, a per-provider rate limit, failures mapped to domain errors).
- `payload`: decoding and validating provider payloads so that a format error names its path.
- `parsed`: the plain values parsers produce (`ParsedMatch`) and how they become `Fixtures`.
- one module per provider (`espn`, `football_data`, `sofascore`, `fbref`, `openfootball`,
  `demo`): pure parsers from payload to plain values, and a source class that fetches.
- `config`: `SourcesConfig`, the settings an entrypoint builds from the environment.
- `providers`: every provider by name, its parser, and `build_source`.

See docs/sources.md for references, status tables and what each provider can and cannot do.
"""
