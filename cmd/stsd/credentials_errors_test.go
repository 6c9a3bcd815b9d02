package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Every refusal is one exact line (or one per problem) on stderr, with the
// AWS CLI's exit status, nothing on stdout, and no token in sight.
func TestCredentialsErrors(t *testing.T) {
	f := newCredFixture(t)
	wrongAud := f.node.IdP.Mint(f.node.IdP.Claims("system:serviceaccount:ci:deployer", "someone-else"))
	expired := f.node.IdP.Claims("system:serviceaccount:ci:deployer", credAud)
	expired["iat"], expired["exp"] = expired["iat"].(int64)-7200, expired["iat"].(int64)-3600
	expiredToken := f.node.IdP.Mint(expired)
	f.addSecrets(wrongAud, expiredToken)
	strict := f.node.Role("strict", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${PROVIDER_ARN}"},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${ISSUER}:sub":"someone-else"}}}]}`, nil)
	base := []string{"--endpoint-url", f.node.URL, "--role-arn", f.roleARN, "--no-cache"}
	missing := filepath.Join(f.home, "missing")

	for _, tc := range []struct {
		name   string
		args   []string
		env    []string
		code   int
		stderr string
	}{
		{"wrong audience", append(base, "--web-identity-token", wrongAud), nil, 254,
			"An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience\n"},
		{"expired token", append(base, "--token-env", "T"), []string{"T=" + expiredToken}, 254,
			"An error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity operation: Token expired: current date/time NOW must be before the expiration date/time " +
				strconv.FormatInt(expired["exp"].(int64), 10) + "\n"},
		{"trust denies", []string{"--endpoint-url", f.node.URL, "--role-arn", strict, "--web-identity-token-file", f.tokenFile}, nil, 254,
			"An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n"},
		{"duration too short", append(base, "--web-identity-token-file", f.tokenFile, "--duration-seconds", "899"), nil, 254,
			"An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: 1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900\n"},
		{"bad session name", append(base, "--web-identity-token-file", f.tokenFile, "--role-session-name", "a:b"), nil, 254,
			"An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: 1 validation error detected: Value 'a:b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*\n"},
		{"nothing given", []string{"credentials"}[:0], nil, 252,
			"stsd: no endpoint: pass --endpoint-url (stsd's URL) or set AWS_ENDPOINT_URL_STS\n" +
				"stsd: no role: pass --role-arn or set AWS_ROLE_ARN\n" +
				"stsd: no web identity token: pass --web-identity-token-file, --token-env, --token-command, --github-actions, --gitlab or --web-identity-token, or set AWS_WEB_IDENTITY_TOKEN_FILE\n"},
		{"two token sources", append(base, "--web-identity-token-file", f.tokenFile, "--token-env", "T"), nil, 252,
			"stsd: choose one token source, not --web-identity-token-file and --token-env\n"},
		{"audience without GitHub", append(base, "--web-identity-token-file", f.tokenFile, "--audience", "x"), nil, 252,
			"stsd: --audience is only for --github-actions\n"},
		{"bad format", append(base, "--web-identity-token-file", f.tokenFile, "--format", "yaml"), nil, 252,
			"stsd: --format \"yaml\": use credential-process, env or json\n"},
		{"a stray argument is not echoed", append(base, "--web-identity-token-file", f.tokenFile, f.token), nil, 252,
			"stsd: unexpected argument: this command takes only flags (stsd exec runs a command)\n"},
		{"unknown flag", append(base, "--web-identity-token-file", f.tokenFile, "--profile", "x"), nil, 252,
			"stsd: unknown flag: --profile\n"},
		{"bad duration", append(base, "--web-identity-token-file", f.tokenFile, "--duration-seconds", "1h"), nil, 252,
			"stsd: invalid argument \"1h\" for \"--duration-seconds\" flag: strconv.ParseInt: parsing \"1h\": invalid syntax\n"},
		{"bad policy ARNs", append(base, "--web-identity-token-file", f.tokenFile, "--policy-arns", "ReadOnly", "--policy-arns", `[{"arn":1}]`), nil, 252,
			"stsd: --policy-arns: \"ReadOnly\" is not arn=ARN, an ARN or a JSON list\n" +
				"stsd: --policy-arns: \"[{\\\"arn\\\":1}]\" is not a JSON list of {\"arn\":…} objects\n"},
		{"policy file missing", append(base, "--web-identity-token-file", f.tokenFile, "--policy", "file://"+missing), nil, 252,
			"stsd: --policy: open " + missing + ": no such file or directory\n"},
		{"bad endpoint", []string{"--endpoint-url", "stsd.example:8080", "--role-arn", f.roleARN, "--web-identity-token-file", f.tokenFile}, nil, 252,
			"stsd: the endpoint \"stsd.example:8080\" is not an http(s) URL\n"},
		{"token file missing", append(base, "--web-identity-token-file", missing), nil, 255,
			"stsd: web identity token file: open " + missing + ": no such file or directory\n"},
		{"token command fails", append(base, "--token-command", "echo "+f.token+"; exit 3"), nil, 255,
			"stsd: the token command failed: exit status 3\n"},
		{"token variable unset", append(base, "--gitlab", "STSD_ID_TOKEN"), nil, 255,
			"stsd: environment variable STSD_ID_TOKEN is not set or empty\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.stsd(append([]string{"credentials"}, tc.args...), tc.env...)
			stderr := r.stderr
			if tc.name == "expired token" { // the message names the current time
				stderr = regexp.MustCompile(`date/time \d+ must`).ReplaceAllString(stderr, "date/time NOW must")
			}
			if r.code != tc.code || stderr != tc.stderr || r.stdout != "" {
				t.Fatalf("exit %d, stderr %q, stdout %q\nwant exit %d, stderr %q", r.code, r.stderr, r.stdout, tc.code, tc.stderr)
			}
		})
	}
	if n := f.node.Count(assumeEvent); n > 5 {
		t.Fatalf("%d exchanges for 5 STS refusals", n)
	}
}
