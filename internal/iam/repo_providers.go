package iam

import (
	"context"
	"slices"
)

func errProviderExists(url string) error { return &Error{Reason: ReasonProviderExists, Subject: url} }

func errNoSuchProvider(arn string) error { return &Error{Reason: ReasonProviderNotFound, Subject: arn} }

func errInvalidARN() error { return &Error{Reason: ReasonUnparsableARN} }

// CreateProvider validates and stores a new OIDC provider; CreateDate is
// assigned and duplicate client IDs and thumbprints are dropped. A provider
// whose URL without scheme is already registered in the account gives
// KindAlreadyExists.
func (r *Repo) CreateProvider(ctx context.Context, p OIDCProvider) (*OIDCProvider, error) {
	p.CreateDate = r.timestamp()
	p.ClientIDs = Dedupe(p.ClientIDs)
	p.Thumbprints = Dedupe(p.Thumbprints)
	if err := p.Validate(r.urlOpts); err != nil {
		return nil, err
	}
	// The quota is checked on a listing, so two creates racing at the
	// 100th provider can both pass; an existing URL answers
	// KindAlreadyExists rather than the quota.
	existing, err := r.ListProviders(ctx, p.Account)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxProvidersPerAccount && !slices.ContainsFunc(existing, func(e *OIDCProvider) bool { return e.HostPath() == p.HostPath() }) {
		return nil, &Error{Reason: ReasonProvidersPerAccount}
	}
	v := &p
	if err := create(ctx, r.st, ProviderKey(p.Account, p.URL), v, func() error { return errProviderExists(p.URL) }); err != nil {
		return nil, err
	}
	return v, nil
}

func providerKeyFromARN(arn string) (string, error) {
	account, hostPath, ok := ParseProviderARN(arn)
	if !ok {
		return "", errInvalidARN()
	}
	return entityKey(account, kindProviders, hostPath), nil
}

// GetProvider returns the provider with the ARN, or KindNotFound.
func (r *Repo) GetProvider(ctx context.Context, arn string) (*OIDCProvider, error) {
	key, err := providerKeyFromARN(arn)
	if err != nil {
		return nil, err
	}
	return get[OIDCProvider](ctx, r.st, key, func() error { return errNoSuchProvider(arn) })
}

// UpdateProvider applies mutate to the stored provider with
// compare-and-swap (see UpdateRole). The account, URL and creation date
// cannot change.
func (r *Repo) UpdateProvider(ctx context.Context, arn string, mutate func(*OIDCProvider) error) (*OIDCProvider, error) {
	key, err := providerKeyFromARN(arn)
	if err != nil {
		return nil, err
	}
	return update[OIDCProvider](ctx, r.st, key, func() error { return errNoSuchProvider(arn) }, mutate,
		func(before, after *OIDCProvider) error {
			if before.Account != after.Account || before.URL != after.URL || !before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonProviderImmutable}
			}
			after.ClientIDs = Dedupe(after.ClientIDs)
			after.Thumbprints = Dedupe(after.Thumbprints)
			return after.Validate(r.urlOpts)
		})
}

// DeleteProvider deletes the provider with the ARN.
func (r *Repo) DeleteProvider(ctx context.Context, arn string) error {
	key, err := providerKeyFromARN(arn)
	if err != nil {
		return err
	}
	return remove[OIDCProvider](ctx, r.st, key,
		func() error { return &Error{Reason: ReasonProviderToDeleteNotFound, Subject: arn} },
		func(*OIDCProvider) error { return nil })
}

// ListProviders returns the account's providers sorted by URL without scheme.
func (r *Repo) ListProviders(ctx context.Context, account string) ([]*OIDCProvider, error) {
	return list[OIDCProvider](ctx, r.st, AccountPrefix(account)+kindProviders+"/")
}
