// Command authz-service is a small HTTP service whose routes only stsd
// credentials may call: every request goes through the client/authz
// middleware, which asks stsd's decision API whether the caller may
// invoke the route (execute-api:Invoke on
// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH), and the
// handlers read the caller from the request context.
//
// Configuration (environment):
//
//	STSD_AUTHZ_URL        stsd's authz listener, e.g. http://127.0.0.1:8444
//	STSD_ACCOUNT          the stsd account id (the API's owner)
//	AWS_ACCESS_KEY_ID     the service's own stsd key, allowed stsd:AuthorizeRequest
//	AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for a session)
//	AWS_REGION            the region to sign with (default us-east-1)
//	LISTEN                the address to serve (default 127.0.0.1:8080)
//
// A client calls it with any SigV4 signer for service "execute-api", for
// example: aws-sdk-go-v2's v4.Signer with credentials from
// AssumeRoleWithWebIdentity against stsd.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stsd/stsd/client/authz"
)

func main() {
	region := getenv("AWS_REGION", "us-east-1")
	mw, err := authz.New(authz.Config{
		Endpoint: os.Getenv("STSD_AUTHZ_URL"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"))),
		Region:  region,
		Service: "execute-api",
		API:     authz.ExecuteAPI{Account: os.Getenv("STSD_ACCOUNT"), API: "pets", Stage: "prod"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets", listPets)
	mux.HandleFunc("POST /pets", addPet)
	srv := &http.Server{
		Addr: getenv("LISTEN", "127.0.0.1:8080"), Handler: mw.Handler(mux),
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Printf("authz-service listening on %s", srv.Addr)
	log.Fatal(srv.ListenAndServe())
}

// listPets answers who asked.
func listPets(w http.ResponseWriter, r *http.Request) {
	p, _ := authz.PrincipalFrom(r.Context())
	writeJSON(w, map[string]any{"pets": []string{"rex"}, "caller": p.ARN, "tags": p.Tags})
}

// addPet echoes the new pet (the middleware left the body intact).
func addPet(w http.ResponseWriter, r *http.Request) {
	var pet map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&pet); err != nil {
		http.Error(w, `{"message":"The body must be a JSON object."}`, http.StatusBadRequest)
		return
	}
	p, _ := authz.PrincipalFrom(r.Context())
	writeJSON(w, map[string]any{"added": pet, "by": p.ARN})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
