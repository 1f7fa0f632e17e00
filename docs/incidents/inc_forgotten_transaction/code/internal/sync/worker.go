// SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.

// Package sync copies changed claims from the Guidewire change feed into the claims database.
package sync

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const claimSQL = `
UPDATE claims.sync_jobs SET state = 'in_progress', step = 'fetch', attempts = attempts + 1, updated_at = now()
 WHERE job_id = (SELECT job_id FROM claims.sync_jobs
                  WHERE attempts < $1
                    AND (state = 'pending' OR (state = 'in_progress' AND updated_at < now() - $2::interval))
                  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING job_id, claim_ref, attempts`

type Worker struct {
	Pool        *pgxpool.Pool
	Feed        FeedClient
	Log         *slog.Logger
	MaxAttempts int
	Lease       time.Duration
}

type job struct {
	ID       int64
	ClaimRef string
	Attempt  int
}

// RunOnce claims one job (new, or whose lease expired) and syncs it.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	var j job
	err := w.Pool.QueryRow(ctx, claimSQL, w.MaxAttempts, w.Lease.String()).Scan(&j.ID, &j.ClaimRef, &j.Attempt)
	if err == pgx.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim job: %w", err)
	}
	w.Log.Info("claimed job", "job_id", j.ID, "claim", j.ClaimRef, "attempt", j.Attempt)
	started := time.Now()
	if err := w.sync(ctx, j); err != nil {
		w.Log.Error("sync failed", "job_id", j.ID, "claim", j.ClaimRef, "attempt", j.Attempt, "err", err, "duration", time.Since(started).Round(10*time.Millisecond))
		// Leave the job in_progress: it is picked up again when its lease expires.
		_, _ = w.Pool.Exec(ctx, `UPDATE claims.sync_jobs SET last_error = $2, step = 'write', updated_at = now() WHERE job_id = $1`, j.ID, err.Error())
		return true, nil
	}
	w.Log.Info("synced claim", "job_id", j.ID, "claim", j.ClaimRef, "attempt", j.Attempt, "duration", time.Since(started).Round(10*time.Millisecond))
	return true, nil
}

func (w *Worker) sync(ctx context.Context, j job) error {
	change, err := w.Feed.Fetch(ctx, j.ClaimRef)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", j.ClaimRef, err)
	}
	tx, err := w.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if _, err := tx.Exec(ctx,
		`UPDATE claims.claims SET status = $2, reserve_cents = $3, adjuster = $4, synced_at = now() WHERE claim_ref = $1`,
		j.ClaimRef, change.Status, change.ReserveCents, change.Adjuster); err != nil {
		return fmt.Errorf("write claim: update claims: %w", err)
	}
	if _, err := tx.Exec(ctx,
		`UPDATE claims.sync_state SET high_watermark = GREATEST(high_watermark, $1), updated_at = now() WHERE source = $2`,
		change.ChangedAt, "guidewire"); err != nil {
		return fmt.Errorf("write claim: update sync_state: %w", err)
	}
	if _, err := tx.Exec(ctx,
		`UPDATE claims.sync_jobs SET state = 'synced', step = 'done', last_error = NULL, updated_at = now() WHERE job_id = $1`,
		j.ID); err != nil {
		return fmt.Errorf("write claim: update job: %w", err)
	}
	return tx.Commit(ctx)
}
