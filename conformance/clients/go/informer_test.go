package clientgo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	clientfeatures "k8s.io/client-go/features"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// The informer's initial sync must use the streaming watch-list (KEP-3157) that client-go enables by
// default since 1.35: a watch with sendInitialEvents=true whose ADDED events end with the
// "k8s.io/initial-events-end" bookmark. The request log proves it: if the server refused the request or
// never sent the bookmark, the reflector would fall back to a plain LIST, which fails this test.
func TestSharedInformerWatchList(t *testing.T) {
	if !clientfeatures.FeatureGates().Enabled(clientfeatures.WatchListClient) {
		t.Fatal("client-go's WatchListClient feature gate is off (KUBE_FEATURE_WatchListClient in the environment?)")
	}
	cfg := restConfig(t)
	log := &requestLog{}
	log.wrap(cfg)
	// Only the informer's requests are logged; the test's own reads and writes go through another client.
	informerClient, err := kubernetes.NewForConfig(cfg)
	mustf(t, err, "clientset")
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	cms := cs.CoreV1().ConfigMaps(ns)

	const before = 20
	for i := 0; i < before; i++ {
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pre-%02d", i)}, Data: map[string]string{"n": "0"}}, metav1.CreateOptions{})
		mustf(t, err, "create pre-%d", i)
	}

	factory := informers.NewSharedInformerFactoryWithOptions(informerClient, 0, informers.WithNamespace(ns))
	informer := factory.Core().V1().ConfigMaps()
	var adds, updates, deletes atomic.Int64
	_, err = informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { adds.Add(1) },
		UpdateFunc: func(any, any) { updates.Add(1) },
		DeleteFunc: func(any) { deletes.Add(1) },
	})
	mustf(t, err, "add handler")
	lister := informer.Lister()
	stop := make(chan struct{})
	defer func() {
		close(stop)
		factory.Shutdown()
	}()
	factory.Start(stop)
	// Bounded: a server that never sends the initial-events-end bookmark would otherwise hold the
	// reflector until its watch times out, minutes later.
	syncCtx, cancelSync := context.WithTimeout(ctx, pollTimeout)
	defer cancelSync()
	for typ, ok := range factory.WaitForCacheSync(syncCtx.Done()) {
		if !ok {
			t.Fatalf("cache of %v did not sync", typ)
		}
	}
	synced, err := lister.ConfigMaps(ns).List(labels.Everything())
	mustf(t, err, "lister")
	// kube-root-ca.crt may or may not have been published into the namespace yet.
	if n := len(filterOutObjects(synced, "kube-root-ca.crt")); n != before {
		t.Fatalf("after the initial sync the lister holds %d ConfigMaps, want %d", n, before)
	}

	collection := "/api/v1/namespaces/" + ns + "/configmaps?"
	watchLists := log.matching(func(r string) bool {
		return strings.HasPrefix(r, "GET "+collection) && strings.Contains(r, "watch=true") &&
			strings.Contains(r, "sendInitialEvents=true") && strings.Contains(r, "resourceVersionMatch=NotOlderThan") &&
			strings.Contains(r, "allowWatchBookmarks=true")
	})
	plainLists := log.matching(func(r string) bool {
		return strings.HasPrefix(r, "GET "+collection) && !strings.Contains(r, "watch=true")
	})
	if len(watchLists) == 0 || len(plainLists) != 0 {
		t.Fatalf("informer did not sync with a watch-list: watch-list requests %v, plain lists %v", watchLists, plainLists)
	}
	t.Logf("initial sync request: %s", watchLists[0])

	// A burst of writes, then the lister must converge on exactly what the server holds.
	for i := 0; i < 40; i++ {
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("burst-%02d", i)}}, metav1.CreateOptions{})
		mustf(t, err, "create burst-%d", i)
	}
	for i := 0; i < before; i += 2 {
		_, err := cms.Patch(ctx, fmt.Sprintf("pre-%02d", i), "application/merge-patch+json", []byte(`{"data":{"n":"1"}}`), metav1.PatchOptions{})
		mustf(t, err, "patch pre-%d", i)
	}
	for i := 1; i < before; i += 2 {
		mustf(t, cms.Delete(ctx, fmt.Sprintf("pre-%02d", i), metav1.DeleteOptions{}), "delete pre-%d", i)
	}

	eventually(t, ctx, "lister matches the server", func(ctx context.Context) (bool, string) {
		server, err := cms.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		local, err := lister.ConfigMaps(ns).List(labels.Everything())
		if err != nil {
			return false, err.Error()
		}
		want := make([]string, 0, len(server.Items))
		for i := range server.Items {
			want = append(want, server.Items[i].Name+"@"+server.Items[i].ResourceVersion)
		}
		got := make([]string, 0, len(local))
		for _, cm := range local {
			got = append(got, cm.Name+"@"+cm.ResourceVersion)
		}
		sort.Strings(want)
		sort.Strings(got)
		return strings.Join(want, ",") == strings.Join(got, ","), fmt.Sprintf("server %d objects, lister %d", len(want), len(got))
	})
	if a, u, d := adds.Load(), updates.Load(), deletes.Load(); a < before+40 || u < before/2 || d < before/2 {
		t.Errorf("handler events: %d adds, %d updates, %d deletes", a, u, d)
	}
	// The informer kept its one stream: no relist happened during the burst.
	if plain := log.matching(func(r string) bool {
		return strings.HasPrefix(r, "GET "+collection) && !strings.Contains(r, "watch=true")
	}); len(plain) != 0 {
		t.Errorf("informer relisted: %v", plain)
	}
}

func filterOutObjects(in []*corev1.ConfigMap, drop string) []*corev1.ConfigMap {
	var out []*corev1.ConfigMap
	for _, cm := range in {
		if cm.Name != drop {
			out = append(out, cm)
		}
	}
	return out
}
