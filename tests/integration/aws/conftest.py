"""The AWS emulator's fixtures, for this folder's tests, and a throwaway TLS authority."""

from types import SimpleNamespace

import pytest
import trustme

from tests.integration.aws.emulator import (  # noqa: F401 - fixtures, found by name
    aws_credentials,
    eventbridge,
    make_config,
    moto,
    moto_url,
    raw_client,
)


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    served = authority.issue_cert("127.0.0.1")
    paths = SimpleNamespace(ca=folder / "ca.pem", chain=folder / "chain.pem", key=folder / "k")
    authority.cert_pem.write_to_path(str(paths.ca))
    served.private_key_pem.write_to_path(str(paths.key))
    for blob in served.cert_chain_pems:
        blob.write_to_path(str(paths.chain), append=True)
    return paths
