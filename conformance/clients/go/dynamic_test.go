package clientgo

import (
	"context"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// testCRD is a namespaced CRD in a group of its own (so reruns against one server do not collide),
// created through the dynamic client and removed when the test ends.
type testCRD struct {
	group, kind, plural, shortName string
}

func (c testCRD) gvr() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: c.group, Version: "v1", Resource: c.plural}
}

func createCRD(t *testing.T, ctx context.Context, dyn dynamic.Interface) testCRD {
	t.Helper()
	suffix := randomSuffix()
	c := testCRD{group: "gotest" + suffix + ".example.com", kind: "Widget", plural: "widgets", shortName: "wdg" + suffix}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   map[string]any{"name": c.plural + "." + c.group},
		"spec": map[string]any{
			"group": c.group,
			"scope": "Namespaced",
			"names": map[string]any{"plural": c.plural, "singular": "widget", "kind": c.kind, "listKind": "WidgetList", "shortNames": []any{c.shortName}},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"spec": map[string]any{"type": "object", "properties": map[string]any{
							"size":  map[string]any{"type": "integer", "minimum": int64(1), "default": int64(3)},
							"color": map[string]any{"type": "string", "enum": []any{"red", "blue"}},
						}},
						"status": map[string]any{"type": "object", "properties": map[string]any{
							"ready": map[string]any{"type": "boolean"},
						}},
					},
				}},
			}},
		},
	}}
	_, err := dyn.Resource(crdGVR).Create(ctx, crd, metav1.CreateOptions{})
	mustf(t, err, "create CRD")
	t.Cleanup(func() {
		_ = dyn.Resource(crdGVR).Delete(context.Background(), c.plural+"."+c.group, metav1.DeleteOptions{})
	})
	eventually(t, ctx, "CRD established", func(ctx context.Context) (bool, string) {
		got, err := dyn.Resource(crdGVR).Get(ctx, c.plural+"."+c.group, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
		for _, cond := range conds {
			m, _ := cond.(map[string]any)
			if m["type"] == "Established" && m["status"] == "True" {
				return true, ""
			}
		}
		return false, fmt.Sprintf("conditions %v", conds)
	})
	return c
}

func dynamicClient(t *testing.T) *dynamic.DynamicClient {
	t.Helper()
	dyn, err := dynamic.NewForConfig(restConfig(t))
	mustf(t, err, "dynamic client")
	return dyn
}

func TestDynamicCustomResource(t *testing.T) {
	cs := clientset(t)
	dyn := dynamicClient(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	crd := createCRD(t, ctx, dyn)
	widgets := dyn.Resource(crd.gvr()).Namespace(ns)

	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": crd.group + "/v1", "kind": crd.kind,
		"metadata": map[string]any{"name": "w1", "labels": map[string]any{"color": "red"}},
		"spec":     map[string]any{"color": "red", "unknown": "pruned"},
	}}
	// The custom resource's store comes up asynchronously after Established; retry NotFound briefly.
	var created *unstructured.Unstructured
	eventually(t, ctx, "create custom resource", func(ctx context.Context) (bool, string) {
		var err error
		created, err = widgets.Create(ctx, obj.DeepCopy(), metav1.CreateOptions{})
		return err == nil, errString(err)
	})
	if size, _, _ := unstructured.NestedInt64(created.Object, "spec", "size"); size != 3 {
		t.Errorf("default spec.size: got %v", created.Object["spec"])
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(created.Object, "spec", "unknown"); found {
		t.Errorf("unknown field not pruned: %v", created.Object["spec"])
	}

	_, err := widgets.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": crd.group + "/v1", "kind": crd.kind,
		"metadata": map[string]any{"name": "bad"}, "spec": map[string]any{"color": "green", "size": int64(0)},
	}}, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("invalid custom resource: want Invalid, got %v", err)
	}
	want := fmt.Sprintf(`Widget.%s "bad" is invalid: [spec.color: Unsupported value: "green": supported values: "red", "blue", spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1]`, crd.group)
	if err.Error() != want {
		t.Errorf("invalid custom resource message:\n got %s\nwant %s", err, want)
	}

	got, err := widgets.Get(ctx, "w1", metav1.GetOptions{})
	mustf(t, err, "get")
	mustf(t, unstructured.SetNestedField(got.Object, int64(5), "spec", "size"), "set size")
	updated, err := widgets.Update(ctx, got, metav1.UpdateOptions{})
	mustf(t, err, "update")
	if updated.GetGeneration() != 2 {
		t.Errorf("generation after a spec update: %d", updated.GetGeneration())
	}
	_, err = widgets.Update(ctx, got, metav1.UpdateOptions{})
	if !apierrors.IsConflict(err) {
		t.Errorf("stale update: want Conflict, got %v", err)
	}

	// Status goes through its own subresource and does not bump the generation.
	mustf(t, unstructured.SetNestedField(updated.Object, true, "status", "ready"), "set status")
	withStatus, err := widgets.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	mustf(t, err, "update status")
	if ready, _, _ := unstructured.NestedBool(withStatus.Object, "status", "ready"); !ready || withStatus.GetGeneration() != 2 {
		t.Errorf("status update: status %v generation %d", withStatus.Object["status"], withStatus.GetGeneration())
	}

	patched, err := widgets.Patch(ctx, "w1", types.MergePatchType, []byte(`{"spec":{"color":"blue"}}`), metav1.PatchOptions{})
	mustf(t, err, "merge patch")
	if color, _, _ := unstructured.NestedString(patched.Object, "spec", "color"); color != "blue" {
		t.Errorf("merge patch: %v", patched.Object["spec"])
	}
	_, err = widgets.Patch(ctx, "w1", types.StrategicMergePatchType, []byte(`{"spec":{"color":"red"}}`), metav1.PatchOptions{})
	if err == nil || !apierrors.IsUnsupportedMediaType(err) {
		t.Errorf("strategic merge patch on a custom resource: want UnsupportedMediaType, got %v", err)
	}

	list, err := widgets.List(ctx, metav1.ListOptions{LabelSelector: "color=red"})
	mustf(t, err, "list")
	if len(list.Items) != 1 || list.Items[0].GetName() != "w1" || list.GetKind() != "WidgetList" {
		t.Errorf("list: kind %s items %d", list.GetKind(), len(list.Items))
	}

	mustf(t, widgets.Delete(ctx, "w1", metav1.DeleteOptions{}), "delete")
	_, err = widgets.Get(ctx, "w1", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: want NotFound, got %v", err)
	}
}

func TestDynamicBuiltin(t *testing.T) {
	cs := clientset(t)
	dyn := dynamicClient(t)
	ctx := testContext(t)
	ns := testNamespace(t, cs)
	cms := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)

	_, err := cms.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "dyn", "labels": map[string]any{"via": "dynamic"}},
		"data":     map[string]any{"k": "v"},
	}}, metav1.CreateOptions{})
	mustf(t, err, "create")
	// The typed client sees what the dynamic one wrote.
	typed, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "dyn", metav1.GetOptions{})
	mustf(t, err, "typed get")
	if typed.Data["k"] != "v" {
		t.Fatalf("typed get: %v", typed.Data)
	}
	list, err := cms.List(ctx, metav1.ListOptions{LabelSelector: "via=dynamic"})
	mustf(t, err, "list")
	if len(list.Items) != 1 || list.GetKind() != "ConfigMapList" || list.GetAPIVersion() != "v1" {
		t.Fatalf("list: %s %s %d items", list.GetAPIVersion(), list.GetKind(), len(list.Items))
	}
	patched, err := cms.Patch(ctx, "dyn", types.JSONPatchType, []byte(`[{"op":"add","path":"/data/k2","value":"v2"}]`), metav1.PatchOptions{})
	mustf(t, err, "json patch")
	if v, _, _ := unstructured.NestedString(patched.Object, "data", "k2"); v != "v2" {
		t.Fatalf("json patch: %v", patched.Object["data"])
	}
	again := patched.DeepCopy()
	again.SetResourceVersion("")
	_, err = cms.Create(ctx, again, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create again: want AlreadyExists, got %v", err)
	}
	mustf(t, cms.Delete(ctx, "dyn", metav1.DeleteOptions{}), "delete")
}
