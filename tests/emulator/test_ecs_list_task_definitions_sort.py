"""emulator/patches/ecs_list_task_definitions_sort.py: ListTaskDefinitions sorts
by family and revision, newest last, or newest first with sort=DESC."""


def test_revisions_in_either_order(aws):
    ecs = aws("ecs")
    for image in ("a:1", "a:2", "a:3"):
        ecs.register_task_definition(
            family="sorted", containerDefinitions=[{"name": "a", "image": image, "memory": 64}]
        )
    ascending = ecs.list_task_definitions(familyPrefix="sorted")["taskDefinitionArns"]
    assert [arn.rsplit(":", 1)[1] for arn in ascending] == ["1", "2", "3"]
    descending = ecs.list_task_definitions(familyPrefix="sorted", sort="DESC")["taskDefinitionArns"]
    assert [arn.rsplit(":", 1)[1] for arn in descending] == ["3", "2", "1"]
