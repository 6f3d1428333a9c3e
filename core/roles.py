"""The editorial roles: who may write, who may approve and publish.

Two groups, created and extended by data migrations of the apps that own the models:

* ``Copywriters`` (文案): add, change and view content, upload images and documents, and
  submit for moderation. No ``publish_`` permission, so they cannot publish directly.
* ``Managers`` (运营主管): everything copywriters have, plus publish, delete, lock and unlock,
  and membership of the approval task of the moderation workflow.

These functions take the migration's ``apps`` registry so that migrations stay replayable; they
are idempotent and create missing content types and permissions themselves (Django and
Wagtail only create permissions after all migrations have run).
"""

COPYWRITERS = "Copywriters"
MANAGERS = "Managers"
APPROVAL_TASK = "运营主管审核"
WORKFLOW = "内容审核"

COPYWRITER_ACTIONS = ("add", "change", "view")
MANAGER_ACTIONS = ("add", "change", "view", "delete", "publish", "lock", "unlock")

_ACTION_NAMES = {"publish": "Can publish", "lock": "Can lock", "unlock": "Can unlock"}


def _permission(apps, app_label: str, model_name: str, action: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label=app_label, model=model_name
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model_name}",
        defaults={"name": f"{_ACTION_NAMES.get(action, f'Can {action}')} {model_name}"},
    )
    return permission


def ensure_groups(apps) -> None:
    """Create both groups with admin access and image/document upload rights."""
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_ct,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    root = Collection.objects.filter(depth=1).order_by("path").first()
    for name in (COPYWRITERS, MANAGERS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        if root is None:
            continue
        for app_label, model_name in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            actions = ["add", "change", "choose"] + (["delete"] if name == MANAGERS else [])
            for action in actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root,
                    permission=_permission(apps, app_label, model_name, action),
                )


def grant_model(
    apps,
    app_label: str,
    model_name: str,
    copywriter_actions=COPYWRITER_ACTIONS,
    manager_actions=MANAGER_ACTIONS,
) -> None:
    """Give both groups their permissions on one model."""
    Group = apps.get_model("auth", "Group")
    ensure_groups(apps)
    for group_name, actions in ((COPYWRITERS, copywriter_actions), (MANAGERS, manager_actions)):
        group = Group.objects.get(name=group_name)
        group.permissions.add(
            *[_permission(apps, app_label, model_name, action) for action in actions]
        )


def assign_workflow(apps, app_label: str, model_name: str) -> None:
    """Put a model under the moderation workflow whose one task is approval by Managers."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    ensure_groups(apps)
    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=APPROVAL_TASK, content_type=task_ct, active=True
        )
    task.groups.add(Group.objects.get(name=MANAGERS))

    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if created or not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    model_ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    WorkflowContentType.objects.update_or_create(
        content_type=model_ct, defaults={"workflow": workflow}
    )
