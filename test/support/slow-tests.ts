// Integration and end-to-end tests boot services and wait on a real broker: a first consumer-group
// join on a fresh broker alone can take seconds. Their own waits fail with a clear message first.
jest.setTimeout(90_000);
