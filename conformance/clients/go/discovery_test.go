package clientgo

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
)

func TestDiscoveryRESTMapper(t *testing.T) {
	cfg := restConfig(t)
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	mustf(t, err, "discovery client")
	ctx := testContext(t)

	v, err := dc.ServerVersion()
	mustf(t, err, "server version")
	if v.Major != "1" || v.Minor != "35" {
		t.Errorf("server version %s.%s (%s)", v.Major, v.Minor, v.GitVersion)
	}

	groups, resources, err := dc.ServerGroupsAndResources()
	mustf(t, err, "groups and resources")
	seen := map[string]bool{}
	for _, g := range groups {
		seen[g.Name] = true
	}
	for _, g := range []string{"", "apps", "batch", "apiextensions.k8s.io", "rbac.authorization.k8s.io"} {
		if !seen[g] {
			t.Errorf("group %q missing from discovery", g)
		}
	}
	var deploymentsVerbs []string
	for _, rl := range resources {
		if rl.GroupVersion == "apps/v1" {
			for _, r := range rl.APIResources {
				if r.Name == "deployments" {
					deploymentsVerbs = r.Verbs
				}
			}
		}
	}
	if len(deploymentsVerbs) < 8 {
		t.Errorf("apps/v1 deployments verbs: %v", deploymentsVerbs)
	}

	// The kubectl arrangement: a memory-cached discovery client behind a deferred mapper and the
	// short-name expander.
	cached := memory.NewMemCacheClient(dc)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(cached)
	expander := restmapper.NewShortcutExpander(mapper, cached, func(string) {})

	for _, c := range []struct {
		gk       schema.GroupKind
		resource string
		scope    meta.RESTScopeName
	}{
		{schema.GroupKind{Group: "apps", Kind: "Deployment"}, "deployments", meta.RESTScopeNameNamespace},
		{schema.GroupKind{Kind: "ConfigMap"}, "configmaps", meta.RESTScopeNameNamespace},
		{schema.GroupKind{Kind: "Node"}, "nodes", meta.RESTScopeNameRoot},
		{schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}, "customresourcedefinitions", meta.RESTScopeNameRoot},
	} {
		m, err := mapper.RESTMapping(c.gk)
		if err != nil {
			t.Errorf("RESTMapping %v: %v", c.gk, err)
			continue
		}
		if m.Resource.Resource != c.resource || m.Scope.Name() != c.scope {
			t.Errorf("RESTMapping %v: %v scope %s", c.gk, m.Resource, m.Scope.Name())
		}
	}
	for short, want := range map[string]string{"deploy": "deployments", "cm": "configmaps", "po": "pods", "crd": "customresourcedefinitions"} {
		gvr, err := expander.ResourceFor(schema.GroupVersionResource{Resource: short})
		if err != nil || gvr.Resource != want {
			t.Errorf("short name %s: %v, %v", short, gvr, err)
		}
	}
	kind, err := mapper.KindFor(schema.GroupVersionResource{Resource: "deployments"})
	if err != nil || kind != (schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}) {
		t.Errorf("KindFor deployments: %v, %v", kind, err)
	}

	// A CRD created after the mapper filled its cache is found once the mapper is reset, as kubectl
	// does when a mapping misses.
	crd := createCRD(t, ctx, dynamicClient(t))
	gk := schema.GroupKind{Group: crd.group, Kind: crd.kind}
	eventually(t, ctx, "CRD in discovery", func(context.Context) (bool, string) {
		mapper.Reset()
		m, err := mapper.RESTMapping(gk)
		if err != nil {
			return false, err.Error()
		}
		return m.Resource == crd.gvr() && m.Scope.Name() == meta.RESTScopeNameNamespace, m.Resource.String()
	})
	gvr, err := expander.ResourceFor(schema.GroupVersionResource{Resource: crd.shortName})
	if err != nil || gvr != crd.gvr() {
		t.Errorf("CRD short name %s: %v, %v", crd.shortName, gvr, err)
	}
}
