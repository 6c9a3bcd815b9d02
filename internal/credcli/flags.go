package credcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/stsd/stsd/client/webidentity"
)

// Default session names, when neither --role-session-name nor
// AWS_ROLE_SESSION_NAME gives one. GitHubActions is the default of
// aws-actions/configure-aws-credentials.
const (
	DefaultSessionName       = "stsd-credentials"
	DefaultGitHubSessionName = "GitHubActions"
	DefaultGitLabSessionName = "GitLabCI"
)

// Env is what the commands read and write besides their flags.
type Env struct {
	Getenv  func(string) string
	Environ func() []string // the environment `exec` passes on
	Stdout  io.Writer
	Stderr  io.Writer
	// CacheDir is the credentials cache directory; "" means
	// webidentity.DefaultCacheDir().
	CacheDir string
}

// flags are the options both commands share.
type flags struct {
	endpoint, roleARN, sessionName, policy, providerID string
	policyARNs                                         []string
	duration                                           int32

	token, tokenFile, tokenEnv, tokenCommand, gitlab, audience string
	githubActions                                              bool

	noCache bool
}

func (f *flags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.endpoint, "endpoint-url", "", "stsd's URL (default: $AWS_ENDPOINT_URL_STS, then $AWS_ENDPOINT_URL)")
	fs.StringVar(&f.roleARN, "role-arn", "", "the role to assume (default: $AWS_ROLE_ARN)")
	fs.StringVar(&f.sessionName, "role-session-name", "", "the session name (default: $AWS_ROLE_SESSION_NAME, else "+
		DefaultGitHubSessionName+" with --github-actions, "+DefaultGitLabSessionName+" with --gitlab, "+DefaultSessionName+")")
	fs.StringVar(&f.policy, "policy", "", "an inline session policy (JSON, or file://PATH)")
	fs.StringArrayVar(&f.policyARNs, "policy-arns", nil, "a managed session policy: arn=ARN, an ARN, or JSON [{\"arn\":…}] (repeatable)")
	fs.Int32Var(&f.duration, "duration-seconds", 0, "the session's duration (default: the server's, one hour)")
	fs.StringVar(&f.providerID, "provider-id", "", "the ProviderId parameter (OAuth 2.0 providers)")
	fs.StringVar(&f.token, "web-identity-token", "", "the token itself (visible to other users in the process list: prefer the other sources)")
	fs.StringVar(&f.tokenFile, "web-identity-token-file", "", "read the token from this file on every exchange (default: $AWS_WEB_IDENTITY_TOKEN_FILE)")
	fs.StringVar(&f.tokenEnv, "token-env", "", "read the token from this environment variable")
	fs.StringVar(&f.tokenCommand, "token-command", "", "run this shell command and use its output as the token")
	fs.BoolVar(&f.githubActions, "github-actions", false, "request the GitHub Actions job's token (the job needs permissions id-token: write)")
	fs.StringVar(&f.audience, "audience", "", "with --github-actions: the token's audience (default "+webidentity.DefaultGitHubAudience+")")
	fs.StringVar(&f.gitlab, "gitlab", "", "read the token from this GitLab CI id_tokens variable")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the credentials cache")
}

// options resolves the flags and the environment to the client's options.
// Every problem is reported at once.
func (f *flags) options(env Env) (webidentity.Options, error) {
	o := webidentity.FromEnvironment(env.Getenv)
	envTokenFile := o.Token
	o.Token = nil
	var problems []error
	if f.endpoint != "" {
		o.Endpoint = f.endpoint
	}
	if o.Endpoint == "" {
		problems = append(problems, errors.New("no endpoint: pass --endpoint-url (stsd's URL) or set AWS_ENDPOINT_URL_STS"))
	}
	if f.roleARN != "" {
		o.RoleARN = f.roleARN
	}
	if o.RoleARN == "" {
		problems = append(problems, errors.New("no role: pass --role-arn or set AWS_ROLE_ARN"))
	}

	var sources []string
	add := func(name string, set bool, src webidentity.TokenSource) {
		if set {
			sources = append(sources, name)
			o.Token = src
		}
	}
	add("--web-identity-token", f.token != "", webidentity.StaticToken(f.token))
	add("--web-identity-token-file", f.tokenFile != "", webidentity.TokenFile(f.tokenFile))
	add("--token-env", f.tokenEnv != "", webidentity.TokenEnv{Name: f.tokenEnv, Getenv: env.Getenv})
	add("--token-command", f.tokenCommand != "", webidentity.TokenCommand{Line: f.tokenCommand, Stderr: env.Stderr})
	add("--gitlab", f.gitlab != "", webidentity.TokenEnv{Name: f.gitlab, Getenv: env.Getenv})
	if f.githubActions {
		sources = append(sources, "--github-actions")
		gh, err := webidentity.NewGitHubActions(f.audience, env.Getenv)
		if err != nil {
			problems = append(problems, err)
		} else {
			o.Token = gh
		}
	} else if f.audience != "" {
		problems = append(problems, errors.New("--audience is only for --github-actions"))
	}
	switch {
	case len(sources) > 1:
		problems = append(problems, fmt.Errorf("choose one token source, not %s", strings.Join(sources, " and ")))
	case len(sources) == 0 && envTokenFile != nil:
		o.Token = envTokenFile
	case len(sources) == 0:
		problems = append(problems, errors.New("no web identity token: pass --web-identity-token-file, --token-env, --token-command, "+
			"--github-actions, --gitlab or --web-identity-token, or set AWS_WEB_IDENTITY_TOKEN_FILE"))
	}

	switch {
	case f.sessionName != "":
		o.RoleSessionName = f.sessionName
	case o.RoleSessionName != "":
	case f.githubActions:
		o.RoleSessionName = DefaultGitHubSessionName
	case f.gitlab != "":
		o.RoleSessionName = DefaultGitLabSessionName
	default:
		o.RoleSessionName = DefaultSessionName
	}

	if f.policy != "" {
		policy, err := readFileArg(f.policy, "--policy")
		if err != nil {
			problems = append(problems, err)
		}
		o.Policy = policy
	}
	for _, v := range f.policyARNs {
		arns, err := parsePolicyARNs(v)
		if err != nil {
			problems = append(problems, err)
		}
		o.PolicyARNs = append(o.PolicyARNs, arns...)
	}
	if f.duration < 0 {
		problems = append(problems, errors.New("--duration-seconds must not be negative"))
	}
	o.DurationSeconds = f.duration
	o.ProviderID = f.providerID
	return o, errors.Join(problems...)
}

// readFileArg reads a file:// argument as the AWS CLI does, or returns the
// value itself.
func readFileArg(v, flag string) (string, error) {
	path, ok := strings.CutPrefix(v, "file://")
	if !ok {
		return v, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	return string(data), nil
}

// parsePolicyARNs reads one --policy-arns value: the AWS CLI's shorthand
// arn=ARN, a bare ARN, or its JSON form [{"arn":"ARN"},…].
func parsePolicyARNs(v string) ([]string, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") {
		var list []struct {
			ARN string `json:"arn"`
		}
		if err := json.Unmarshal([]byte(v), &list); err != nil {
			return nil, fmt.Errorf("--policy-arns: %q is not a JSON list of {\"arn\":…} objects", v)
		}
		arns := make([]string, 0, len(list))
		for _, p := range list {
			if p.ARN == "" {
				return nil, errors.New(`--policy-arns: a JSON entry has no "arn"`)
			}
			arns = append(arns, p.ARN)
		}
		return arns, nil
	}
	if arn, ok := strings.CutPrefix(v, "arn="); ok {
		return []string{arn}, nil // STS judges the ARN
	}
	if !strings.HasPrefix(v, "arn:") {
		return nil, fmt.Errorf("--policy-arns: %q is not arn=ARN, an ARN or a JSON list", v)
	}
	return []string{v}, nil
}
