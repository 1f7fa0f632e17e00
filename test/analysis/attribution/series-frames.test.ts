// The change-point search and the application stack frames of five runtimes.
import { describe, expect, it } from 'vitest';
import { appFrames, failingFrame } from '../../../src/analysis/attribution/frames.ts';
import { elevatedSegment, seriesOf, widen } from '../../../src/analysis/attribution/series.ts';
import { quoteLine } from '../../../src/analysis/attribution/families.ts';
import { START, minute } from './fixtures.ts';

describe('elevatedSegment', () => {
  it('finds where a rate steps up, past a few stray counts before it', () => {
    const pairs: [string, number][] = [
      [minute(5), 1],
      [minute(40), 1],
    ];
    for (let offset = 100; offset < 160; offset++) pairs.push([minute(offset), 4]);
    const segment = elevatedSegment(seriesOf(pairs, START, START + 240 * 60_000));
    expect(segment?.onset).toBe(START + 100 * 60_000);
    expect(segment?.end).toBe(START + 160 * 60_000);
    expect(segment!.inside).toBeGreaterThan(segment!.outside);
  });

  it('an intermittent symptom, widened over its episode, starts at its first failure rather than its busiest minute', () => {
    const pairs: [string, number][] = [[minute(5), 1]];
    for (let offset = 60; offset < 200; offset += 10) pairs.push([minute(offset), 2]);
    pairs.push([minute(150), 30]);
    const series = seriesOf(pairs, START, START + 240 * 60_000);
    expect(elevatedSegment(series)?.onset).toBe(START + 150 * 60_000);
    const widened = widen(series, elevatedSegment(series, 0.6)!);
    expect(widened.onset).toBe(START + 60 * 60_000);
    expect(widened.end).toBe(START + 191 * 60_000);
  });

  it('a steady background of sporadic errors before and after the episode does not widen it', () => {
    const pairs: [string, number][] = [];
    // One error every 7 minutes all along (unique-key violations, say), and an episode of 5 a minute from 90 to 130.
    for (let offset = 3; offset < 240; offset += 7) pairs.push([minute(offset), 1]);
    for (let offset = 90; offset < 130; offset++) pairs.push([minute(offset), 5]);
    const series = seriesOf(pairs, START, START + 240 * 60_000);
    const widened = widen(series, elevatedSegment(series, 0.6)!);
    expect(widened.onset).toBe(START + 90 * 60_000);
    expect(widened.end).toBe(START + 130 * 60_000);
  });

  it('has no segment in an empty series', () => {
    expect(elevatedSegment(seriesOf([], START, START + 60_000 * 30))).toBeUndefined();
  });
});

describe('appFrames', () => {
  it('Python: application frames only, the innermost last is the failing one', () => {
    const trace =
      'Traceback (most recent call last):\n  File "/usr/local/lib/python3.11/site-packages/flask/app.py", line 1484, in full_dispatch_request\n  File "/app/billing/views.py", line 31, in charge_view\n  File "/app/billing/charge.py", line 41, in charge\nKeyError: \'currency\'';
    expect(appFrames(trace).map((frame) => `${frame.file}:${frame.line}`)).toEqual(['/app/billing/views.py:31', '/app/billing/charge.py:41']);
    expect(failingFrame(trace)?.line).toBe(41);
    expect(quoteLine(trace)).toBe("KeyError: 'currency'");
  });

  it('Go: frames below the goroutine header, runtime and net/http left out', () => {
    const dump =
      'goroutine 7 [running]:\nnet/http.(*conn).serve.func1()\n\t/usr/local/go/src/net/http/server.go:1868 +0xb9\ngithub.com/acme/shop/internal/orders.(*Handler).Serve(0xc0001a2000)\n\t/app/internal/orders/handler.go:88 +0x1d4';
    expect(appFrames(dump).map((frame) => `${frame.file}:${frame.line}`)).toEqual(['/app/internal/orders/handler.go:88']);
  });

  it('Java: own packages only; the deepest "Caused by" is quoted', () => {
    const trace =
      'org.springframework.dao.DataIntegrityViolationException: could not execute statement\n\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convert(HibernateJpaDialect.java:276)\n\tat com.acme.shop.orders.OrderService.place(OrderService.java:57)\nCaused by: org.postgresql.util.PSQLException: ERROR: insert or update on table "orders" violates foreign key constraint "fk_orders_customer"';
    expect(appFrames(trace).map((frame) => `${frame.file}:${frame.line}`)).toEqual(['OrderService.java:57']);
    expect(quoteLine(trace)).toMatch(/^org\.postgresql\.util\.PSQLException: ERROR: insert or update/);
  });

  it('Node and Ruby: node_modules, node: internals and gems are libraries', () => {
    const node =
      "TypeError: Cannot read properties of undefined (reading 'id')\n    at serializeOrder (/app/src/routes/orders.js:42:17)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)";
    expect(appFrames(node).map((frame) => `${frame.file}:${frame.line}`)).toEqual(['/app/src/routes/orders.js:42']);
    const ruby =
      "ActiveRecord::Deadlocked (PG::TRDeadlockDetected: ERROR:  deadlock detected\n):\napp/models/cart.rb:31:in 'block in merge_items!'\n/usr/local/bundle/gems/activerecord-7.1.3/lib/active_record/transactions.rb:12:in 'transaction'";
    expect(appFrames(ruby).map((frame) => `${frame.file}:${frame.line}`)).toEqual(['app/models/cart.rb:31']);
  });

  it('quotes the msg and err of a logfmt line', () => {
    expect(quoteLine('time=2026-10-06T14:07:10Z level=ERROR msg="transfer failed" request_id=r1 err="ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)"')).toBe(
      'transfer failed: ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)',
    );
  });
});
