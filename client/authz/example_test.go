package authz_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stsd/stsd/client/authz"
)

// Protect a handler: only requests signed with stsd credentials whose
// caller may invoke the route reach it. A stand-in for stsd's authz
// listener answers here; in a service, Endpoint is stsd's authz address.
func Example() {
	stsd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "/GET/pets") {
			_, _ = io.WriteString(w, `{"authenticated":true,"allowed":true,"decisions":[],
			 "principal":{"arn":"arn:aws:sts::111122223333:assumed-role/app/ci","account":"111122223333","userId":"AROAEXAMPLE:ci","type":"AssumedRole","tags":{}}}`)
			return
		}
		_, _ = io.WriteString(w, `{"authenticated":true,"allowed":false,"decisions":[],"encodedMessage":"…",
		 "error":{"code":"AccessDenied","message":"User: arn:aws:sts::111122223333:assumed-role/app/ci is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:pets-api/prod/DELETE/pets"}}`)
	}))
	defer stsd.Close()

	mw, err := authz.New(authz.Config{
		Endpoint:    stsd.URL,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLESERVICE01", "service-secret", ""),
		Service:     "execute-api",
		API:         authz.ExecuteAPI{Account: "111122223333", API: "pets-api", Stage: "prod"},
	})
	if err != nil {
		panic(err)
	}
	pets := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := authz.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "hello %s", p.ARN)
	})
	service := httptest.NewServer(mw.Handler(pets))
	defer service.Close()

	// A client signs with its stsd session, as any AWS SDK would.
	client := aws.Credentials{AccessKeyID: "ASIAEXAMPLECLIENT001", SecretAccessKey: "client-secret", SessionToken: "token"}
	for _, method := range []string{"GET", "DELETE"} {
		req, _ := http.NewRequest(method, service.URL+"/pets", nil)
		const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		_ = v4.NewSigner().SignHTTP(context.Background(), client, req, emptySHA256, "execute-api", "us-east-1", time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 200 hello arn:aws:sts::111122223333:assumed-role/app/ci
	// 403 {"message":"User: arn:aws:sts::111122223333:assumed-role/app/ci is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:pets-api/prod/DELETE/pets"}
}
