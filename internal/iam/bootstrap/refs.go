package bootstrap

import (
	"context"
	"fmt"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// checkPolicyRefs checks, before anything is written, that every managed
// policy ARN a role of f attaches or takes as its permissions boundary
// names a policy stsd can resolve: a customer managed policy of the
// account, declared in f's managed_policies or already in the store, or
// an AWS managed policy stsd has built in (Load checks those). An ARN that
// names nothing would be stored and grant nothing — or, as a boundary,
// deny everything — so it is refused, as the IAM API refuses it.
func checkPolicyRefs(ctx context.Context, repo *iam.Repo, account string, f *File) error {
	for _, r := range f.Roles {
		refs := r.ManagedPolicies
		if r.PermissionsBoundary != "" {
			refs = append(refs[:len(refs):len(refs)], r.PermissionsBoundary)
		}
		for _, ref := range refs {
			if !strings.HasPrefix(ref, "arn:") || iam.IsAWSManagedARN(ref) {
				continue // a name of the file, or checked by Load
			}
			ok, err := resolvable(ctx, repo, account, f, ref)
			if err != nil {
				return fmt.Errorf("bootstrap: role %s: %w", r.Name, err)
			}
			if !ok {
				return fmt.Errorf("bootstrap: role %s: %s names no managed policy of account %s; declare it under managed_policies, create it first, or use a built-in AWS managed policy", r.Name, ref, account)
			}
		}
	}
	return nil
}

// resolvable reports whether arn names a customer managed policy of the
// account that f declares (same path, name ignoring case) or the store
// holds.
func resolvable(ctx context.Context, repo *iam.Repo, account string, f *File, arn string) (bool, error) {
	acct, path, name, ok := iam.ParseEntityARN(arn, "policy")
	if !ok || acct != account {
		return false, nil
	}
	for _, p := range f.ManagedPolicies {
		if strings.EqualFold(p.Name, name) && p.Path == path {
			return true, nil
		}
	}
	_, err := repo.GetPolicy(ctx, arn)
	if iam.KindOf(err) == iam.KindNotFound {
		return false, nil
	}
	return err == nil, err
}
