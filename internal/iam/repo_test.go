package iam

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

func TestRoleCRUD(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	in := testRole("Deploy")
	in.Path = "/ci/"
	in.Tags = []Tag{{"team", "platform"}}
	in.RoleID = "AROAIGNOREDIGNOREDIG"
	created, err := repo.CreateRole(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if created.RoleID == in.RoleID || len(created.RoleID) != 21 || !strings.HasPrefix(created.RoleID, "AROA") {
		t.Errorf("RoleID = %q", created.RoleID)
	}
	if created.MaxSessionDuration != 3600 || !created.CreateDate.Equal(fixedNow.Truncate(time.Second)) || created.Revision == 0 {
		t.Errorf("defaults: %+v", created)
	}
	if got := created.ARN(); got != "arn:aws:iam::123456789012:role/ci/Deploy" {
		t.Errorf("ARN = %q", got)
	}

	got, err := repo.GetRole(ctx, acct, "DEPLOY")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Deploy" || got.RoleID != created.RoleID || got.Revision != created.Revision {
		t.Errorf("GetRole = %+v", got)
	}

	_, err = repo.CreateRole(ctx, testRole("deploy"))
	wantErr(t, err, KindAlreadyExists, "Role with name deploy already exists.")
	_, err = repo.GetRole(ctx, acct, "nope")
	wantErr(t, err, KindNotFound, "The role with name nope cannot be found.")
	// Another account is another namespace.
	if _, err := repo.CreateRole(ctx, Role{Account: otherAcct, Name: "Deploy", AssumeRolePolicyDocument: trustDoc}); err != nil {
		t.Fatal(err)
	}

	updated, err := repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error {
		r.Description = "deploys"
		r.MaxSessionDuration = 7200
		r.InlinePolicies = map[string]string{"read": readDoc}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Revision <= created.Revision || updated.Description != "deploys" || updated.RoleID != created.RoleID {
		t.Errorf("UpdateRole = %+v", updated)
	}
	// A mutation that changes nothing writes nothing.
	same, err := repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error { return nil })
	if err != nil || same.Revision != updated.Revision {
		t.Fatalf("no-op update: rev %d vs %d, %v", same.Revision, updated.Revision, err)
	}
	_, err = repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error { r.Path = "/other/"; return nil })
	wantErr(t, err, KindInvalidInput, "The role's name, path, ID and creation date cannot be changed.")
	_, err = repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error { r.MaxSessionDuration = 60; return nil })
	wantErr(t, err, KindValidation, "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	_, err = repo.UpdateRole(ctx, acct, "ghost", func(r *Role) error { return nil })
	wantErr(t, err, KindNotFound, "The role with name ghost cannot be found.")

	err = repo.DeleteRole(ctx, acct, "deploy")
	wantErr(t, err, KindDeleteConflict, "Cannot delete entity, must delete policies first.")
	if _, err := repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error {
		r.InlinePolicies = nil
		r.ManagedPolicyARNs = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	err = repo.DeleteRole(ctx, acct, "deploy")
	wantErr(t, err, KindDeleteConflict, "Cannot delete entity, must detach all policies first.")
	if _, err := repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error { r.ManagedPolicyARNs = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeleteRole(ctx, acct, "Deploy"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, repo.DeleteRole(ctx, acct, "Deploy"), KindNotFound, "The role with name Deploy cannot be found.")
	roles, err := repo.ListRoles(ctx, otherAcct)
	if err != nil || len(roles) != 1 || roles[0].Account != otherAcct {
		t.Fatalf("ListRoles = %v, %v", roles, err)
	}
}

func TestCreateRoleValidation(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	tests := []struct {
		name   string
		mutate func(*Role)
		kind   Kind
		msg    string
	}{
		{"bad name and path together", func(r *Role) { r.Name = "a b"; r.Path = "x" }, KindValidation,
			`2 validation errors detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; Value 'x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"trust not json", func(r *Role) { r.AssumeRolePolicyDocument = "{" }, KindMalformedPolicy, "This policy contains invalid Json"},
		{"trust without principal", func(r *Role) { r.AssumeRolePolicyDocument = readDoc }, KindMalformedPolicy, ""},
		{"trust too big", func(r *Role) {
			r.AssumeRolePolicyDocument = strings.Replace(trustDoc, `"sts"`, `"`+strings.Repeat("a", 2000)+`"`, 1)
		}, KindLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"inline with principal", func(r *Role) { r.InlinePolicies = map[string]string{"p": trustDoc} }, KindMalformedPolicy, ""},
		{"inline bad name", func(r *Role) { r.InlinePolicies = map[string]string{"p q": readDoc} }, KindValidation,
			`1 validation error detected: Value 'p q' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"too many managed", func(r *Role) {
			for i := range 11 {
				r.ManagedPolicyARNs = append(r.ManagedPolicyARNs, fmt.Sprintf("arn:aws:iam::123456789012:policy/p%d", i))
			}
		}, KindLimitExceeded, "Cannot exceed quota for PoliciesPerRole: 10"},
		{"bad boundary", func(r *Role) { r.PermissionsBoundaryARN = "arn:aws:iam::123456789012:role/x" }, KindInvalidInput, "ARN arn:aws:iam::123456789012:role/x is not valid."},
		{"bad account", func(r *Role) { r.Account = "12" }, KindInvalidInput, `Account ID "12" is not a 12-digit account ID.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRole("app")
			tt.mutate(&r)
			_, err := repo.CreateRole(ctx, r)
			if tt.msg == "" { // message owned by the policy parser
				if KindOf(err) != tt.kind {
					t.Fatalf("error = %v, want kind %s", err, tt.kind)
				}
				return
			}
			wantErr(t, err, tt.kind, tt.msg)
		})
	}
}

// Concurrent read-modify-write updates of one role lose nothing.
func TestUpdateRoleConcurrentNoLostUpdates(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	if _, err := repo.CreateRole(ctx, testRole("app")); err != nil {
		t.Fatal(err)
	}
	const writers = 12
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := repo.UpdateRole(ctx, acct, "app", func(r *Role) error {
				r.Tags = append(r.Tags, Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
				return nil
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	succeeded := 0
	for err := range errs {
		switch {
		case err == nil:
			succeeded++
		case KindOf(err) != KindConcurrentChange:
			t.Fatal(err)
		}
	}
	got, err := repo.GetRole(ctx, acct, "app")
	if err != nil {
		t.Fatal(err)
	}
	// Every acknowledged update is there: none overwrote another.
	if len(got.Tags) != succeeded || succeeded == 0 {
		t.Fatalf("%d tags for %d acknowledged updates", len(got.Tags), succeeded)
	}
	seen := map[string]bool{}
	for _, tag := range got.Tags {
		if seen[tag.Key] {
			t.Fatalf("tag %s applied twice", tag.Key)
		}
		seen[tag.Key] = true
	}
}

// A write that lands between the read and the compare-and-swap is not
// overwritten: the update is retried on the new value.
func TestUpdateRetriesOnConflict(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	if _, err := repo.CreateRole(ctx, testRole("app")); err != nil {
		t.Fatal(err)
	}
	calls := 0
	got, err := repo.UpdateRole(ctx, acct, "app", func(r *Role) error {
		calls++
		if calls == 1 {
			// A concurrent writer changes the description in between.
			if _, err := repo.UpdateRole(ctx, acct, "app", func(o *Role) error { o.Description = "theirs"; return nil }); err != nil {
				return err
			}
		}
		r.MaxSessionDuration = 7200
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 || got.Description != "theirs" || got.MaxSessionDuration != 7200 {
		t.Fatalf("calls=%d role=%+v", calls, got)
	}
	// A writer that always interferes exhausts the retries.
	_, err = repo.UpdateRole(ctx, acct, "app", func(r *Role) error {
		if _, err := st.Put(ctx, RoleKey(acct, "app"), mustJSON(t, r)); err != nil {
			return err
		}
		r.Description = fmt.Sprint(time.Now().UnixNano())
		return nil
	})
	wantErr(t, err, KindConcurrentChange, "The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.")
}

// Store failures come back as ServiceFailure wrapping the store error.
func TestRepoStoreFailure(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	_ = st.Close()
	_, err := repo.CreateRole(ctx, testRole("app"))
	if KindOf(err) != KindStoreFailure || !errors.Is(err, store.ErrClosed) {
		t.Fatalf("error = %v", err)
	}
	_, err = repo.GetRole(ctx, acct, "app")
	if KindOf(err) != KindStoreFailure || !errors.Is(err, store.ErrClosed) {
		t.Fatalf("error = %v", err)
	}
}
