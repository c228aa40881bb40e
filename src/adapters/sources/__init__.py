"""Result providers: one `ResultSource` adapter per provider, over one HTTP foundation.

`http` is the client they share; `providers` names every provider and builds its source.
References, status tables and what each provider can and cannot do: docs/sources.md.
"""
