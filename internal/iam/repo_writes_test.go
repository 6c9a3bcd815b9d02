package iam

import (
	"testing"
)

// A recording repository records the revision of every write it makes —
// creates, updates, deletes — and nothing for a failed write, a no-op
// update or the writes of another repository; waiting for the last one
// shows them all in the snapshot, a delete included.
func TestRecordingRepo(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	c := startCache(t, st)
	var w Writes
	rec := repo.Recording(&w)

	created, err := rec.CreateRole(ctx, testRole("Deploy"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Last() != created.Revision {
		t.Fatalf("after CreateRole: Last = %d, want %d", w.Last(), created.Revision)
	}
	if _, err := rec.CreateRole(ctx, testRole("Deploy")); err == nil {
		t.Fatal("second CreateRole succeeded")
	}
	if _, err := rec.UpdateRole(ctx, acct, "Deploy", func(*Role) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRole(ctx, testRole("Other")); err != nil {
		t.Fatal(err)
	}
	if w.Last() != created.Revision {
		t.Fatalf("after a failed create, a no-op update and another repository's write: Last = %d, want %d", w.Last(), created.Revision)
	}

	if err := rec.DeleteRole(ctx, acct, "Deploy"); err != nil {
		t.Fatal(err)
	}
	if w.Last() <= created.Revision {
		t.Fatalf("after DeleteRole: Last = %d, want a revision after %d", w.Last(), created.Revision)
	}
	if err := c.WaitRevision(ctx, w.Last()); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Current().RoleByName(acct, "Deploy"); ok {
		t.Fatal("the deleted role is still in the snapshot at the delete's revision")
	}
	if _, ok := c.Current().RoleByName(acct, "Other"); !ok {
		t.Fatal("the other repository's role is missing")
	}
}
