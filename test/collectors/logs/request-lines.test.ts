import { describe, expect, it } from 'vitest';
import { plainHead, renderTextHead, requestFields } from '../../../src/collectors/logs/text-formats.ts';

describe('request lines in text logs', () => {
  it('reads method, path and status from Render request lines and access-log lines', () => {
    expect(requestFields('GET /v1/geocode 503 12ms')).toEqual({ method: 'GET', path: '/v1/geocode', statusCode: '503' });
    expect(requestFields('127.0.0.1 - - [20/Nov/2026:08:00:00 +0000] "POST /hooks/x HTTP/1.1" 500 12')).toEqual({ method: 'POST', path: '/hooks/x', statusCode: '500' });
    expect(requestFields('GET is a verb, 503 is a number')).toBeUndefined();
  });

  it('puts them on Render text records, so 5xx responses are counted', () => {
    expect(renderTextHead('2026-10-06 14:07:09  GET /v1/geocode 503 9ms')).toMatchObject({ timestamp: '2026-10-06T14:07:09.000Z', fields: { statusCode: '503', path: '/v1/geocode' } });
    expect(renderTextHead('2026-10-06 14:07:09  Server listening')?.fields).toBeUndefined();
    expect(plainHead('"GET /a HTTP/1.1" 404 0')?.fields).toMatchObject({ statusCode: '404' });
  });
});
