"""The AWS emulator's fixtures, for this folder's tests."""

from tests.integration.aws.emulator import (  # noqa: F401 - fixtures, found by name
    aws_credentials,
    eventbridge,
    make_config,
    moto,
    moto_url,
    raw_client,
)
