// Where the API lives, and how its errors become the contract's cases.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, response, throwsCase } from '../testing/harness.js';

test('base URL from endpoint, coverage and sandbox', () => {
  assert.equal(api.baseUrl(undefined, undefined, undefined), 'https://api.soracom.io/v1');
  assert.equal(api.baseUrl(undefined, 'g', undefined), 'https://g.api.soracom.io/v1');
  assert.equal(api.baseUrl(undefined, 'jp', 'true'), 'https://api-sandbox.soracom.io/v1');
  assert.equal(api.baseUrl(undefined, ' g ', 'true'), 'https://g.api-sandbox.soracom.io/v1');
  assert.equal(api.baseUrl(undefined, ' ', 'false'), 'https://api.soracom.io/v1');
  assert.equal(api.baseUrl('http://127.0.0.1:8080/', 'g', 'true'), 'http://127.0.0.1:8080/v1');
  assert.equal(api.baseUrl('http://127.0.0.1:8080/v1', undefined, undefined), 'http://127.0.0.1:8080/v1');
  assert.equal(api.baseUrl(' https://proxy.example/v1/ ', undefined, undefined), 'https://proxy.example/v1');
  for (const [endpoint, coverage, sandbox, word] of [
    [undefined, 'us', undefined, '`coverage`'],
    [undefined, undefined, 'yes', '`sandbox`'],
    ['ftp://x', undefined, undefined, '`endpoint`'],
    // The endpoint does not excuse a bad coverage or sandbox value.
    ['http://127.0.0.1:8080', 'nowhere', undefined, '`coverage`'],
    ['http://127.0.0.1:8080', undefined, 'x', '`sandbox`'],
  ]) {
    throwsCase(() => api.baseUrl(endpoint, coverage, sandbox), 'invalid-input', { contains: word });
  }
  // Every host a profile can reach is declared.
  for (const coverage of api.COVERAGES) {
    for (const sandbox of ['false', 'true']) {
      const host = api.baseUrl(undefined, coverage, sandbox).replace('https://', '').replace('/v1', '');
      assert.ok(api.HOSTS.includes(host), host);
    }
  }
});

const mapped = (status, body, headers = []) => api.mapError(response(status, body, headers)).payload;

test('flat error bodies keep their code', () => {
  assert.deepEqual(mapped(400, '{"code":"SEM0016","message":"The specified subscriber is offline"}'), {
    tag: 'invalid-input',
    val: { message: 'The specified subscriber is offline', status: 400, code: 'SEM0016', field: undefined },
  });
  assert.deepEqual(mapped(404, '{"code":"NPT0404","message":"No such entry"}').val.code, 'NPT0404');
  for (const [status, tag] of [[401, 'unauthorized'], [403, 'forbidden'], [409, 'conflict'], [422, 'invalid-input'],
    [500, 'provider'], [415, 'provider'], [404, 'not-found']]) {
    assert.equal(mapped(status, '{"code":"AUM0001","message":"m"}').tag, tag);
  }
  assert.equal(mapped(403, '').val.message, 'HTTP 403');
});

test('wrapped, odd and text error bodies', () => {
  let e = mapped(400, '{"httpStatus":400,"errorMessage":{"code":"NPT0042","message":"bad"}}');
  assert.deepEqual([e.val.message, e.val.code], ['bad', 'NPT0042']);
  e = mapped(500, '{"httpStatus":500,"errorMessage":{"code":"COM0001","message":" boom "}}');
  assert.deepEqual([e.tag, e.val.message], ['provider', 'boom']);
  e = mapped(400, '{"errorMessage":"oops","code":"COM0003","message":"flat"}');
  assert.deepEqual([e.val.message, e.val.code], ['flat', 'COM0003']);
  assert.deepEqual(mapped(429, '{"code":"COM0002","message":"slow down"}', [['retry-after', '3']]), {
    tag: 'rate-limited',
    val: { retryAfterSecs: 3, problem: { message: 'slow down', status: 429, code: 'COM0002', field: undefined } },
  });
  assert.equal(mapped(400, '{"code":"X1"}').val.message, 'HTTP 400');
  assert.equal(mapped(400, '{"error": 1}').val.message, '{"error": 1}');
  e = mapped(502, '<html>Bad Gateway</html>\n');
  assert.deepEqual([e.tag, e.val.message], ['provider', '<html>Bad Gateway</html>']);
  assert.equal(mapped(503, '').val.message, 'HTTP 503');
});

test('cursors round-trip, and a malformed one names `cursor`', () => {
  const cursor = api.encodeCursor({ key: '203.0.113.9:40001' });
  assert.equal(cursor, 'eyJrZXkiOiIyMDMuMC4xMTMuOTo0MDAwMSJ9'); // the Python adapter's too
  assert.deepEqual(api.decodeCursor(cursor), { key: '203.0.113.9:40001' });
  for (const bad of ['not a cursor!', '%%%', 'eyJr']) {
    throwsCase(() => api.decodeCursor(bad), 'invalid-input', { field: 'cursor' });
  }
});

test('path segments are percent-encoded', () => {
  assert.equal(api.encode('a b/c?d#é'), 'a%20b%2Fc%3Fd%23%C3%A9');
  assert.equal(api.encode('203.0.113.1'), '203.0.113.1');
});
