package policy

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A derived context reads its base's keys, and its own Set and Delete —
// in any letter case — change only itself.
func TestContextDerive(t *testing.T) {
	base := NewContext()
	base.Set("aws:PrincipalTag/team", "red")
	base.Set("aws:SourceIp", "192.0.2.1")
	base.SetList("aws:TagKeys", "a")

	d := base.Derive()
	d.Set("AWS:PrincipalTag/Team", "blue")
	d.Delete("aws:sourceip")
	d.Set("s3:prefix", "home/")
	d.Delete("aws:NotThere")

	get := func(c *Context, key string) (string, bool) {
		v, _, ok := c.Get(key)
		if !ok || len(v) == 0 {
			return "", ok
		}
		return v[0], ok
	}
	for _, c := range []struct {
		ctx       *Context
		key, want string
		present   bool
	}{
		{d, "aws:principaltag/team", "blue", true},
		{d, "aws:SourceIp", "", false},
		{d, "S3:Prefix", "home/", true},
		{d, "aws:TagKeys", "a", true},
		{base, "aws:PrincipalTag/team", "red", true},
		{base, "aws:SourceIp", "192.0.2.1", true},
		{base, "s3:prefix", "", false},
	} {
		if got, ok := get(c.ctx, c.key); ok != c.present || got != c.want {
			t.Errorf("%s: got %q %t, want %q %t", c.key, got, ok, c.want, c.present)
		}
	}
	if _, multi, _ := d.Get("aws:TagKeys"); !multi {
		t.Error("aws:TagKeys lost its multivalued flag through Derive")
	}
	keys := d.Keys()
	slices.Sort(keys)
	if want := []string{"AWS:PrincipalTag/Team", "aws:TagKeys", "s3:prefix"}; !slices.Equal(keys, want) {
		t.Errorf("Keys %q, want %q", keys, want)
	}
	if d.Len() != 3 || base.Len() != 3 {
		t.Errorf("Len: derived %d, base %d", d.Len(), base.Len())
	}
	// A key deleted and set again in the derived context is back.
	d.Set("aws:SourceIp", "198.51.100.7")
	if got, ok := get(d, "aws:sourceip"); !ok || got != "198.51.100.7" {
		t.Errorf("re-set: %q %t", got, ok)
	}
	// A context derived from a derived one reads through both.
	dd := d.Derive()
	if got, _ := get(dd, "aws:PrincipalTag/team"); got != "blue" {
		t.Errorf("two levels: %q", got)
	}
}

// A context with more keys than indexFrom finds each of them, in any
// case, before and after it starts indexing, and replaces and deletes
// them in place.
func TestContextManyKeys(t *testing.T) {
	c := NewContext()
	name := func(i int) string { return "aws:PrincipalTag/k" + strconv.Itoa(i) }
	for i := range 2 * indexFrom {
		c.Set(name(i), strconv.Itoa(i))
	}
	c.Set(strings.ToUpper(name(3)), "three")
	c.Delete(name(40))
	c.Delete("aws:NotThere")
	for i := range 2 * indexFrom {
		v, _, ok := c.Get(strings.ToLower(name(i)))
		switch {
		case i == 40:
			if ok {
				t.Errorf("%s deleted but present", name(i))
			}
		case i == 3:
			if !ok || v[0] != "three" {
				t.Errorf("%s: %q %t", name(i), v, ok)
			}
		case !ok || v[0] != strconv.Itoa(i):
			t.Errorf("%s: %q %t", name(i), v, ok)
		}
	}
	if got := c.Len(); got != 2*indexFrom-1 {
		t.Errorf("Len %d, want %d", got, 2*indexFrom-1)
	}
	c.Set(name(40), "back")
	if v, _, ok := c.Get(name(40)); !ok || v[0] != "back" {
		t.Errorf("re-set after delete: %q %t", v, ok)
	}
}
