package iamapi

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store/memstore"
)

// FuzzActions sends arbitrary parameters to every action as root (past
// authentication, which sigv4's own fuzz targets cover): no input may panic,
// every error must render as an AWS error with a 4xx/5xx status, and every
// success must render as XML.
func FuzzActions(f *testing.F) {
	seeds := []string{
		"RoleName=app&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22x%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%7D%5D%7D&Tags.member.1.Key=a&Tags.member.1.Value=b",
		"Url=https%3A%2F%2Fidp.example.com&ClientIDList.member.1=c1&ThumbprintList.member.1=6938fd4d98bab03faadb97b34396831e3780aea1",
		"PolicyName=p&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
		"UserName=alice&Path=%2Fops%2F",
		"PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fp&VersionId=v1",
		"PolicyInputList.member.1=%7B%7D&ActionNames.member.1=iam%3AGetRole&ResourceArns.member.1=*",
		"MaxItems=1&Marker=YQ&PathPrefix=%2F",
		"OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Aoidc-provider%2Fidp.example.com&ClientID=x",
	}
	for i, s := range seeds {
		for a := range 4 {
			f.Add(uint8(i*8+a), s)
		}
	}
	st := memstore.New()
	repo := iam.NewRepo(st, iam.RepoOptions{})
	cache := iam.NewCache(st, iam.CacheOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	f.Cleanup(cancel)
	if err := cache.Start(ctx); err != nil {
		f.Fatal(err)
	}
	// Every dependency an action uses: a missing one would panic in the
	// action, not in stsd (CreateAccessKey wraps the new secret).
	secrets, err := creds.NewSecretWrapper(secret.NewBytes(make([]byte, 32)))
	if err != nil {
		f.Fatal(err)
	}
	s := New(Deps{Repo: repo, Cache: cache, Secrets: secrets, Authz: authz.New(cache.Current, nil)})
	names := s.Actions()
	sort.Strings(names)
	const acct = "111122223333"
	root := &authn.Caller{Kind: authn.KindRoot, Account: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct}
	f.Fuzz(func(t *testing.T, pick uint8, raw string) {
		params, err := awsquery.Parse(raw, nil, false)
		if err != nil {
			return
		}
		name := names[int(pick)%len(names)]
		a := s.actions[name]
		call := &awsquery.Call{Action: name, Version: Version, Params: params, Received: time.Now()}
		x := &exchange{call: call, params: params, caller: root, account: acct, snap: cache.Current()}
		// The dispatcher's steps after authentication: validate, resource
		// (root is authorized everything), run.
		err = nil
		if a.validate != nil {
			err = a.validate(x)
		}
		var resp *awsquery.Response
		if err == nil {
			actx, acancel := context.WithTimeout(ctx, 5*time.Second)
			defer acancel()
			if a.resource != nil {
				x.target, err = a.resource(actx, repo, x)
				if err != nil {
					t.Fatalf("%s: resource finder failed on a healthy store: %v", name, err)
				}
			}
			resp, err = a.run(actx, x)
		}
		if err != nil {
			e := awserr.As(toAWS(err))
			if e.Status < 400 || e.Status > 599 || e.Code == "" || e.Message == "" {
				t.Fatalf("%s: error renders as %d %q %q", name, e.Status, e.Code, e.Message)
			}
			if e.Code == "InternalFailure" {
				t.Fatalf("%s: unexpected internal failure: %v", name, e.Cause)
			}
			return
		}
		if resp == nil {
			t.Fatalf("%s: nil response and nil error", name)
		}
		resp.Action, resp.Namespace = name, Namespace
		_ = resp.RenderXML("req")
	})
}
