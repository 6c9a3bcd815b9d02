package sts

import (
	"sync"
	"sync/atomic"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
)

// providerIndex converts the snapshot's providers into the verifier's form
// once per snapshot, so the hot path neither copies a static JWKS nor
// rebuilds a provider per request.
type providerIndex struct {
	current atomic.Pointer[providerTable]
}

type providerTable struct {
	snap *iam.Snapshot
	byID sync.Map // *iam.ProviderView → *oidc.Provider
}

// lookup returns the provider registered in account whose URL equals iss
// exactly (sts-contract §5.2).
func (ix *providerIndex) lookup(snap *iam.Snapshot, account, iss string) (*oidc.Provider, *iam.ProviderView, bool) {
	view, ok := snap.ProviderByURL(account, iss)
	if !ok {
		return nil, nil, false
	}
	t := ix.current.Load()
	if t == nil || t.snap != snap {
		fresh := &providerTable{snap: snap}
		if ix.current.CompareAndSwap(t, fresh) {
			t = fresh
		} else if t = ix.current.Load(); t.snap != snap {
			return toOIDCProvider(view), view, true
		}
	}
	if p, ok := t.byID.Load(view); ok {
		return p.(*oidc.Provider), view, true
	}
	p := toOIDCProvider(view)
	t.byID.Store(view, p)
	return p, view, true
}

func toOIDCProvider(v *iam.ProviderView) *oidc.Provider {
	p := &oidc.Provider{
		ARN:         v.ARN,
		URL:         v.Provider.URL,
		ClientIDs:   v.Provider.ClientIDs,
		Thumbprints: v.Provider.Thumbprints,
		JWKSURL:     v.Provider.JWKSURL,
	}
	if v.Provider.StaticJWKS != "" {
		p.StaticJWKS = []byte(v.Provider.StaticJWKS)
	}
	return p
}
