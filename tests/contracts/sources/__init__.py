"""One module per declared provider (named as the provider): what it serves to the ResultSource
contract. An HTTP provider's module has `RECORDED`, the recorded payloads a loopback server
answers its requests with; the others have `case(clock)`. README, "Adding a provider"."""
