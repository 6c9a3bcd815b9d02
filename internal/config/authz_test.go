package config

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestAuthzOffByDefault(t *testing.T) {
	c, err := resolve(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Authz.Addr != "" || c.Authz.GRPCAddr != "" || len(c.Authz.TrustedProxies) != 0 {
		t.Errorf("authz defaults %+v, want everything off", c.Authz)
	}
}

func TestAuthzFromFileThenFlags(t *testing.T) {
	file := "authz:\n  addr: 127.0.0.1:9100\n  grpc_addr: 127.0.0.1:9101\n  trusted_proxies: [10.0.0.0/8, '::1']\n"
	c, err := resolve(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if c.Authz.Addr != "127.0.0.1:9100" || c.Authz.GRPCAddr != "127.0.0.1:9101" {
		t.Errorf("from the file: %+v", c.Authz)
	}
	got, err := c.Authz.ParseTrustedProxies()
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("trusted proxies %v, %v; want %v", got, err, want)
	}
	c, err = resolve(t, file, "--authz-addr", "127.0.0.1:9200", "--authz-trusted-proxies", "192.168.1.7")
	if err != nil {
		t.Fatal(err)
	}
	if c.Authz.Addr != "127.0.0.1:9200" || c.Authz.GRPCAddr != "127.0.0.1:9101" ||
		!reflect.DeepEqual(c.Authz.TrustedProxies, []string{"192.168.1.7"}) {
		t.Errorf("flags did not override the file: %+v", c.Authz)
	}
}

func TestAuthzValidation(t *testing.T) {
	_, err := resolve(t, "authz:\n  addr: nonsense\n  grpc_addr: ':x:'\n  trusted_proxies: [10.0.0.0/33]\n")
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{
		`authz.addr "nonsense": must be host:port`,
		`authz.grpc_addr ":x:": must be host:port`,
		`authz.trusted_proxies: "10.0.0.0/33" is neither an IP address nor a CIDR prefix`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
