"""跨系统报送's actions, declared in the action registry (see ``core.actions``): every change to the peers and
the unit mapping, every package made, delivered, received or refused is an audited record."""

from __future__ import annotations

from baosong.core.actions import audit_group, declare, detail_labels, detail_values, names_of, object_kind
from baosong.federation.models import Message, Peer

IDENTITY = declare("federation.identity", "生成本系统跨系统报送密钥")
PEER_CREATE = declare("federation.peer_create", "登记对方系统")
PEER_UPDATE = declare("federation.peer_update", "修改对方系统")
PEER_SUSPEND = declare("federation.peer_suspend", "暂停与对方系统的报送")
PEER_RESUME = declare("federation.peer_resume", "恢复与对方系统的报送")
LINK_ADD = declare("federation.link_add", "添加跨系统单位对应关系")
LINK_REMOVE = declare("federation.link_remove", "删除跨系统单位对应关系")
PACKAGE = declare("federation.package", "生成跨系统报送包")
DELIVERED = declare("federation.delivered", "跨系统报送包已送达")
RETRY = declare("federation.retry", "重新投递跨系统报送包")
RECEIVE = declare("federation.receive", "接收跨系统报送包")
REFUSE = declare("federation.refuse", "拒收跨系统报送包")

detail_labels(
    types=[a.code for a in (PEER_CREATE, PEER_UPDATE, PEER_SUSPEND, PEER_RESUME, IDENTITY)],
    name="系统名称",
    base_url="地址",
    fingerprint="公钥指纹",
)
detail_labels(
    types=[LINK_ADD.code, LINK_REMOVE.code],
    link_direction="方向",
    local_unit="本系统单位",
    remote_code="对方单位代码",
    remote_name="对方单位名称",
)
detail_labels(
    types=[PACKAGE.code, DELIVERED.code, RETRY.code, RECEIVE.code, REFUSE.code],
    peer="对方系统",
    msg_id="报送包编号",
    package_kind="内容",
    sm3="SM3摘要",
    attempts="投递次数",
    reason="拒收原因",
    code="原因代码",
    sender="发送方公钥指纹",
    decision="处理结果",
)
detail_values(
    link_direction={"out": "本系统单位向对方报送", "in": "对方单位向本系统报送"},
    package_kind={"item": "信息", "decision": "处理结果"},
)
audit_group("跨系统报送", "federation")
object_kind("peer", "对方系统", names_of(Peer, "name"))
object_kind("federation_message", "跨系统报送包", names_of(Message, "msg_id"))
