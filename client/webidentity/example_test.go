package webidentity_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/client/webidentity"
	stsdconfig "github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/devmode"
)

// A program running in a Kubernetes pod (or anywhere a file holds its
// OIDC token) calls AWS-compatible APIs with stsd credentials. The SDK
// refreshes the session five minutes before it expires, reading the token
// file again. Here `stsd dev` plays the cluster: its demo role trusts its
// development issuer, whose token stands in for the projected
// service-account token.
func Example() {
	endpoint, tokenFile, stop := startStsdDev()
	defer stop()

	creds, err := webidentity.NewCredentialsCache(webidentity.Options{
		Endpoint:        endpoint, // e.g. https://sts.example.internal
		RoleARN:         "arn:aws:iam::000000000000:role/demo",
		RoleSessionName: "example",
		Token:           webidentity.TokenFile(tokenFile), // e.g. /var/run/secrets/stsd/token
	})
	if err != nil {
		panic(err)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"), config.WithCredentialsProvider(creds), config.WithBaseEndpoint(endpoint))
	if err != nil {
		panic(err)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		panic(err)
	}
	fmt.Println(aws.ToString(who.Arn))
	// Output: arn:aws:sts::000000000000:assumed-role/demo/example
}

// startStsdDev runs `stsd dev` in the process and writes one of its tokens
// to a file.
func startStsdDev() (endpoint, tokenFile string, stop func()) {
	dir, err := os.MkdirTemp("", "webidentity-example-")
	if err != nil {
		panic(err)
	}
	cfg := stsdconfig.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", filepath.Join(dir, "data")
	n, err := devmode.Start(context.Background(), devmode.Options{
		Config: cfg, IDPAddr: "127.0.0.1:0", Out: io.Discard,
		Getenv: func(string) string { return "" }, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	token, err := devmode.Token(cfg.DataDir, "system:serviceaccount:default:app", devmode.TokenTTL)
	if err != nil {
		panic(err)
	}
	tokenFile = filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		panic(err)
	}
	return n.App.URL, tokenFile, func() { n.Close(); _ = os.RemoveAll(dir) }
}
