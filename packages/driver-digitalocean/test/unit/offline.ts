// Imported first by unit tests that make API calls: whatever a bug makes the client do, an
// https:// request (DigitalOcean's own host) goes to a dead proxy on loopback, never out.
process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
process.env.HTTP_PROXY = 'http://127.0.0.1:9';
process.env.NO_PROXY = '127.0.0.1,localhost';
delete process.env.https_proxy;
delete process.env.http_proxy;
delete process.env.no_proxy;
