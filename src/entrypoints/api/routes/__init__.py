"""The API's endpoints, one module per audience; each exposes `operations(...)`."""
