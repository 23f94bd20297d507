package clientgo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

func TestTypedConfigMapCRUD(t *testing.T) {
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	cms := cs.CoreV1().ConfigMaps(ns)

	created, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings", Labels: map[string]string{"app": "web", "tier": "front"}},
		Data:       map[string]string{"mode": "fast"},
	}, metav1.CreateOptions{})
	mustf(t, err, "create")
	if created.UID == "" || created.ResourceVersion == "" || created.CreationTimestamp.IsZero() {
		t.Fatalf("create did not fill uid/resourceVersion/creationTimestamp: %+v", created.ObjectMeta)
	}

	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		t.Fatalf("second create: want AlreadyExists, got %v", err)
	}

	got, err := cms.Get(ctx, "settings", metav1.GetOptions{})
	mustf(t, err, "get")
	if got.Data["mode"] != "fast" || got.UID != created.UID {
		t.Fatalf("get returned %+v", got)
	}

	got.Data["mode"] = "slow"
	updated, err := cms.Update(ctx, got, metav1.UpdateOptions{})
	mustf(t, err, "update")
	if updated.ResourceVersion == created.ResourceVersion {
		t.Fatal("update kept the resourceVersion")
	}

	// An update carrying the resourceVersion from before the last write must be refused.
	stale := created.DeepCopy()
	stale.Data = map[string]string{"mode": "stale"}
	_, err = cms.Update(ctx, stale, metav1.UpdateOptions{})
	if !apierrors.IsConflict(err) {
		t.Fatalf("stale update: want Conflict, got %v", err)
	}

	merged, err := cms.Patch(ctx, "settings", types.MergePatchType, []byte(`{"data":{"extra":"1","mode":null}}`), metav1.PatchOptions{})
	mustf(t, err, "merge patch")
	if _, has := merged.Data["mode"]; has || merged.Data["extra"] != "1" {
		t.Fatalf("merge patch result: %v", merged.Data)
	}
	jsonPatched, err := cms.Patch(ctx, "settings", types.JSONPatchType,
		[]byte(`[{"op":"test","path":"/data/extra","value":"1"},{"op":"add","path":"/data/json","value":"yes"},{"op":"remove","path":"/data/extra"}]`),
		metav1.PatchOptions{})
	mustf(t, err, "json patch")
	if jsonPatched.Data["json"] != "yes" || len(jsonPatched.Data) != 1 {
		t.Fatalf("json patch result: %v", jsonPatched.Data)
	}
	strategic, err := cms.Patch(ctx, "settings", types.StrategicMergePatchType, []byte(`{"metadata":{"labels":{"patched":"smp"}},"data":{"smp":"ok"}}`), metav1.PatchOptions{})
	mustf(t, err, "strategic merge patch")
	if strategic.Labels["patched"] != "smp" || strategic.Labels["app"] != "web" || strategic.Data["smp"] != "ok" || strategic.Data["json"] != "yes" {
		t.Fatalf("strategic merge patch result: labels %v data %v", strategic.Labels, strategic.Data)
	}
	_, err = cms.Patch(ctx, "missing", types.MergePatchType, []byte(`{"data":{"a":"b"}}`), metav1.PatchOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("patch of a missing object: want NotFound, got %v", err)
	}

	mustf(t, cms.Delete(ctx, "settings", metav1.DeleteOptions{}), "delete")
	_, err = cms.Get(ctx, "settings", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("get after delete: want NotFound, got %v", err)
	}
	err = cms.Delete(ctx, "settings", metav1.DeleteOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("second delete: want NotFound, got %v", err)
	}
	if msg := err.(apierrors.APIStatus).Status().Message; msg != `configmaps "settings" not found` {
		t.Fatalf("NotFound message: %q", msg)
	}
}

func TestTypedInvalidObjects(t *testing.T) {
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)

	_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "Not_Valid"}}, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("bad name: want Invalid, got %v", err)
	}
	st := err.(apierrors.APIStatus).Status()
	if st.Details == nil || st.Details.Kind != "ConfigMap" || len(st.Details.Causes) == 0 || st.Details.Causes[0].Field != "metadata.name" {
		t.Fatalf("bad name: status details %+v", st.Details)
	}
	if !strings.HasPrefix(st.Message, `ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain`) {
		t.Fatalf("bad name message: %q", st.Message)
	}

	d := deployment("mismatch", 1)
	d.Spec.Selector.MatchLabels = map[string]string{"app": "other"}
	_, err = cs.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("selector not matching the template: want Invalid, got %v", err)
	}
	if !strings.Contains(err.Error(), "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"mismatch\"}: `selector` does not match template `labels`") {
		t.Fatalf("selector mismatch message: %v", err)
	}
}

func TestTypedListSelectors(t *testing.T) {
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	cms := cs.CoreV1().ConfigMaps(ns)
	for _, c := range []struct{ name, app, tier string }{
		{"a", "web", "front"}, {"b", "web", "back"}, {"c", "db", "back"}, {"d", "cache", ""},
	} {
		labels := map[string]string{"app": c.app}
		if c.tier != "" {
			labels["tier"] = c.tier
		}
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: c.name, Labels: labels}}, metav1.CreateOptions{})
		mustf(t, err, "create %s", c.name)
	}
	names := func(opts metav1.ListOptions) []string {
		t.Helper()
		list, err := cms.List(ctx, opts)
		mustf(t, err, "list %+v", opts)
		if list.ResourceVersion == "" {
			t.Fatalf("list %+v has no resourceVersion", opts)
		}
		var out []string
		for _, cm := range list.Items {
			out = append(out, cm.Name)
		}
		sort.Strings(out)
		return out
	}
	for _, c := range []struct {
		opts metav1.ListOptions
		want string
	}{
		{metav1.ListOptions{LabelSelector: "app=web"}, "a,b"},
		{metav1.ListOptions{LabelSelector: "app in (db,cache)"}, "c,d"},
		{metav1.ListOptions{LabelSelector: "!tier"}, "d"},
		{metav1.ListOptions{LabelSelector: "tier=back,app!=db"}, "b"},
		{metav1.ListOptions{FieldSelector: "metadata.name=c"}, "c"},
		{metav1.ListOptions{FieldSelector: "metadata.name!=c", LabelSelector: "tier"}, "a,b"},
		{metav1.ListOptions{FieldSelector: "metadata.namespace=" + ns}, "a,b,c,d"},
	} {
		// kube-root-ca.crt is published into every namespace by its controller; it carries no labels.
		got := strings.Join(filterOut(names(c.opts), "kube-root-ca.crt"), ",")
		if got != c.want {
			t.Errorf("list %+v: got %s, want %s", c.opts, got, c.want)
		}
	}

	// Paging: limit plus continue returns every object exactly once.
	var paged []string
	opts := metav1.ListOptions{Limit: 2, LabelSelector: "app"}
	for i := 0; i < 10; i++ {
		list, err := cms.List(ctx, opts)
		mustf(t, err, "paged list")
		for _, cm := range list.Items {
			paged = append(paged, cm.Name)
		}
		if list.Continue == "" {
			break
		}
		opts.Continue = list.Continue
	}
	sort.Strings(paged)
	if strings.Join(paged, ",") != "a,b,c,d" {
		t.Errorf("paged list: %v", paged)
	}

	_, err := cms.List(ctx, metav1.ListOptions{FieldSelector: "data.mode=x"})
	if !apierrors.IsBadRequest(err) {
		t.Errorf("unsupported field selector: want BadRequest, got %v", err)
	}

	mustf(t, cms.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "tier=back"}), "delete collection")
	if got := strings.Join(filterOut(names(metav1.ListOptions{}), "kube-root-ca.crt"), ","); got != "a,d" {
		t.Errorf("after deletecollection tier=back: %s", got)
	}
}

func filterOut(in []string, drop string) []string {
	var out []string
	for _, s := range in {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func deployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "app",
					Image: "nginx:1.27",
					Env:   []corev1.EnvVar{{Name: "A", Value: "1"}},
				}}},
			},
		},
	}
}

func TestTypedDeploymentCRUD(t *testing.T) {
	cs := clientset(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	deps := cs.AppsV1().Deployments(ns)

	created, err := deps.Create(ctx, deployment("web", 1), metav1.CreateOptions{})
	mustf(t, err, "create")
	// Defaults the server applies on create, as kube-apiserver does.
	if created.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || created.Spec.RevisionHistoryLimit == nil || *created.Spec.RevisionHistoryLimit != 10 ||
		created.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways || created.Spec.Template.Spec.Containers[0].ImagePullPolicy != corev1.PullIfNotPresent {
		t.Fatalf("create did not default the spec: %+v", created.Spec)
	}
	if created.Generation != 1 {
		t.Fatalf("generation after create: %d", created.Generation)
	}

	// The controllers roll it out: the Deployment reports an available replica.
	eventually(t, ctx, "deployment web available", func(ctx context.Context) (bool, string) {
		d, err := deps.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return d.Status.AvailableReplicas == 1 && d.Status.ObservedGeneration == d.Generation, "status " + statusString(d)
	})

	// Strategic merge patch merges the containers list by name and the env list by name.
	smp := `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28","env":[{"name":"B","value":"2"}]}]}}}}`
	patched, err := deps.Patch(ctx, "web", types.StrategicMergePatchType, []byte(smp), metav1.PatchOptions{})
	mustf(t, err, "strategic merge patch")
	c := patched.Spec.Template.Spec.Containers
	if len(c) != 1 || c[0].Image != "nginx:1.28" || len(c[0].Env) != 2 || patched.Generation != 2 {
		t.Fatalf("strategic merge patch result: generation %d containers %+v", patched.Generation, c)
	}

	// A merge patch replaces lists whole.
	mp := `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.29"}]}}}}`
	patched, err = deps.Patch(ctx, "web", types.MergePatchType, []byte(mp), metav1.PatchOptions{})
	mustf(t, err, "merge patch")
	if c := patched.Spec.Template.Spec.Containers; len(c) != 1 || len(c[0].Env) != 0 || c[0].Image != "nginx:1.29" {
		t.Fatalf("merge patch result: %+v", c)
	}

	jp := `[{"op":"replace","path":"/spec/replicas","value":2}]`
	patched, err = deps.Patch(ctx, "web", types.JSONPatchType, []byte(jp), metav1.PatchOptions{})
	mustf(t, err, "json patch")
	if *patched.Spec.Replicas != 2 {
		t.Fatalf("json patch replicas: %d", *patched.Spec.Replicas)
	}

	// The scale subresource reads and writes spec.replicas.
	scale, err := deps.GetScale(ctx, "web", metav1.GetOptions{})
	mustf(t, err, "get scale")
	if scale.Spec.Replicas != 2 {
		t.Fatalf("scale replicas: %d", scale.Spec.Replicas)
	}
	scale.Spec.Replicas = 1
	_, err = deps.UpdateScale(ctx, "web", scale, metav1.UpdateOptions{})
	mustf(t, err, "update scale")

	got, err := deps.Get(ctx, "web", metav1.GetOptions{})
	mustf(t, err, "get")
	got.Spec.Template.Annotations = map[string]string{"restarted": "now"}
	_, err = deps.Update(ctx, got, metav1.UpdateOptions{})
	mustf(t, err, "update")
	_, err = deps.Update(ctx, got, metav1.UpdateOptions{})
	if !apierrors.IsConflict(err) {
		t.Fatalf("update with a stale resourceVersion: want Conflict, got %v", err)
	}

	list, err := deps.List(ctx, metav1.ListOptions{LabelSelector: "app=web", FieldSelector: "metadata.name=web"})
	mustf(t, err, "list")
	if len(list.Items) != 1 {
		t.Fatalf("list: %d items", len(list.Items))
	}

	mustf(t, deps.Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}), "delete")
	eventually(t, ctx, "deployment web gone", func(ctx context.Context) (bool, string) {
		_, err := deps.Get(ctx, "web", metav1.GetOptions{})
		return apierrors.IsNotFound(err), "get: " + errString(err)
	})
}

func statusString(d *appsv1.Deployment) string {
	return fmt.Sprintf("generation %d observed %d replicas %d available %d",
		d.Generation, d.Status.ObservedGeneration, d.Status.Replicas, d.Status.AvailableReplicas)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
