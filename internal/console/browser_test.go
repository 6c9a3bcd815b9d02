package console_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium. Without it the browser tests skip,
// unless STSD_REQUIRE_CHROMIUM=1 (CI) makes its absence a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("STSD_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium is required (STSD_REQUIRE_CHROMIUM=1) but not installed")
	}
	t.Skip("chromium not installed")
	return ""
}

// newBrowser starts a headless chromium for the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.WindowSize(1100, 760),
		chromedp.Flag("disable-gpu", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// screenshot saves the viewport as docs/console/<name>.png when
// STSD_CONSOLE_SCREENSHOTS names the directory (make console-screenshots).
func screenshot(name string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		dir := os.Getenv("STSD_CONSOLE_SCREENSHOTS")
		if dir == "" {
			return nil
		}
		png, err := chromedp.CaptureScreenshot()(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

type step = chromedp.Action[chromedp.Void]

// clearField empties a text field as selecting all and deleting would.
func clearField(id string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(document.getElementById(`+strconv.Quote(id)+`).value = "", true)`)(ctx, t)
		return err
	})
}

func run(t *testing.T, ctx context.Context, name string, steps ...step) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// textOf reads the text of the first element the CSS selector matches.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func signInActions(base, id, secret string) []step {
	return []step{
		chromedp.Navigate(base + "/console/signin"),
		chromedp.WaitVisible(chromedp.CSS("#access_key_id")),
		chromedp.SendKeys(chromedp.CSS("#access_key_id"), id),
		chromedp.SendKeys(chromedp.CSS("#secret_access_key"), secret),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#caller")),
	}
}

// A person in a real browser: signs in, creates a provider and a role
// (with validation as they type), watches a denied call arrive live, opens
// it, explains the token in the playground, and a read-only user is
// refused an edit.
func TestBrowserConsole(t *testing.T) {
	ctx := newBrowser(t)
	n := start(t)
	role := n.Role("ci", trustSub, nil)
	readerID, readerSecret := n.user("reader", []string{iamReadOnly}, map[string]string{"audit": lookupEventsPolicy})
	base := n.URL

	run(t, ctx, "sign in", append(signInActions(base, n.App.Root.AccessKeyID, n.App.Root.Secret.Reveal()), screenshot("overview"))...)

	var text string
	run(t, ctx, "create a provider",
		chromedp.Navigate(base+"/console/providers/new"),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://token.actions.githubusercontent.com"),
		chromedp.SendKeys(chromedp.CSS("#client_ids"), "sts.amazonaws.com"),
		chromedp.Click(chromedp.CSS("#create-provider")),
		chromedp.WaitVisible(chromedp.CSS("#provider-form")),
	)
	text = textOf(t, ctx, "h1")
	if !strings.Contains(text, "token.actions.githubusercontent.com") {
		t.Fatalf("provider page: %q", text)
	}

	broken := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity"}]}`
	good := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + n.Account +
		`:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
		`"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}]}`
	run(t, ctx, "validation as you type",
		chromedp.Navigate(base+"/console/roles/new"),
		chromedp.SendKeys(chromedp.CSS("#name"), "gha-deploy"),
		clearField("trust"),
		chromedp.SendKeys(chromedp.CSS("#trust"), broken),
		chromedp.WaitVisible(chromedp.CSS(`ul[data-problems-for="trust"]:not(.valid) li`)),
		screenshot("role-validation"),
	)
	text = textOf(t, ctx, `ul[data-problems-for="trust"]`)
	if !strings.Contains(text, "Line 1, column") || !strings.Contains(strings.ToLower(text), "principal") {
		t.Fatalf("validation: %q", text)
	}
	run(t, ctx, "create a role",
		clearField("trust"),
		chromedp.SendKeys(chromedp.CSS("#trust"), good),
		chromedp.WaitVisible(chromedp.CSS(`ul.problems.valid li`)),
		chromedp.Click(chromedp.CSS("#create-role")),
		chromedp.WaitVisible(chromedp.CSS("#role-name")),
		screenshot("role"),
	)
	text = textOf(t, ctx, "#role-name")
	if text != "gha-deploy" {
		t.Fatalf("role page: %q", text)
	}

	bad := n.IdP.Mint(n.IdP.Claims("repo:fork", "sts.amazonaws.com"))
	run(t, ctx, "open the activity page",
		chromedp.Navigate(base+"/console/activity"),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="live-status" and starts-with(text(), "Live: new events")]`)),
	)
	n.assume(role, bad)
	run(t, ctx, "a live event arrives",
		chromedp.WaitVisible(chromedp.CSS(`#activity-rows tr.denied a.bad`)),
		screenshot("activity"),
		chromedp.Click(chromedp.CSS(`#activity-rows tr.denied a.bad`)),
		chromedp.WaitVisible(chromedp.CSS("#failed-condition")),
	)
	text = textOf(t, ctx, "#failed-condition")
	if !strings.Contains(text, "condition StringEquals on "+n.HostPath()+":sub failed") {
		t.Fatalf("explanation: %q", text)
	}
	run(t, ctx, "the playground reads the failed condition",
		chromedp.Click(chromedp.CSS("#open-playground")),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), bad),
		chromedp.Click(chromedp.CSS("#explain")),
		chromedp.WaitVisible(chromedp.CSS(".failed-condition")),
		chromedp.ScrollIntoView(chromedp.CSS(".trust")),
		screenshot("playground"),
	)
	text = textOf(t, ctx, ".failed-condition")
	if !strings.Contains(text, "request: repo:fork") || !strings.Contains(text, "fails") {
		t.Fatalf("playground condition: %q", text)
	}
	tokenField, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#token")))
	if err != nil {
		t.Fatal(err)
	}
	if tokenField != "" {
		t.Fatal("the playground shows the pasted token again")
	}

	run(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form.who button`)), chromedp.WaitVisible(chromedp.CSS("#access_key_id")))
	run(t, ctx, "a read-only user is refused an edit", append(signInActions(base, readerID, readerSecret),
		chromedp.Navigate(base+"/console/roles/new"),
		chromedp.SendKeys(chromedp.CSS("#name"), "sneaky"),
		chromedp.Click(chromedp.CSS("#create-role")),
		chromedp.WaitVisible(chromedp.CSS("#page-error")),
	)...)
	text = textOf(t, ctx, "#page-error")
	if !strings.Contains(text, "AccessDenied") || !strings.Contains(text, "iam:CreateRole") {
		t.Fatalf("read-only edit: %q", text)
	}
	if _, ok := n.App.Cache.Current().RoleByName(n.Account, "sneaky"); ok {
		t.Fatal("the read-only user created a role")
	}
}
