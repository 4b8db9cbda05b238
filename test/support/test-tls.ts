/**
 * A self-signed certificate for the made-up name `hooks.partner.test` (valid until 2126), for the tests'
 * HTTPS webhook receivers on loopback only: it proves the webhook channel keeps the name for SNI and
 * certificate checks while it connects to the address its own lookup resolved. Test-only: it guards nothing.
 */
export const HOOKS_PARTNER_TEST_TLS = {
  name: 'hooks.partner.test',
  cert: `-----BEGIN CERTIFICATE-----
MIIBrzCCAVagAwIBAgIUMbExO9oLUfNwqI0DBPFx7frycxYwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSaG9va3MucGFydG5lci50ZXN0MCAXDTI2MTEyNjAwMDkxMVoY
DzIxMjYxMTAyMDAwOTExWjAdMRswGQYDVQQDDBJob29rcy5wYXJ0bmVyLnRlc3Qw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATDJfSzntqQC7hzux8ccVVxi4EkMnce
jOb6sca3wWTEzu22kDz2AI+dvlEzafoJVxAcg9XV6qggDL3LXC+gKopxo3IwcDAd
BgNVHQ4EFgQUilL7Rq7U0L6YfxD08iTHWvIDRSQwHwYDVR0jBBgwFoAUilL7Rq7U
0L6YfxD08iTHWvIDRSQwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHREEFjAUghJob29r
cy5wYXJ0bmVyLnRlc3QwCgYIKoZIzj0EAwIDRwAwRAIgCZAg0NGALjd86GXQV8z0
pM84/YGc5sZRXElJRmeQpWkCIGx/hYb/IQYSwTYq76g0bA/wagop68aPMib0krmC
aHM0
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgh6tPaGB5P4cYAVtl
j6FaSI4nAWNs6xbWxQ2o1sx4j7qhRANCAATDJfSzntqQC7hzux8ccVVxi4EkMnce
jOb6sca3wWTEzu22kDz2AI+dvlEzafoJVxAcg9XV6qggDL3LXC+gKopx
-----END PRIVATE KEY-----
`,
};
