#!/usr/bin/env bash
# Installs the Debian packages Baosong needs when it can (root + apt), else says exactly what to install.
#   chromium          browser tests (Playwright drives Debian's Chromium; never `playwright install`)
#   fonts-noto-cjk    CJK fonts for pages, PDF documents and screenshots (stand-ins for 小标宋/仿宋/黑体)
#   fonts-arphic-ukai 楷体 stand-in (AR PL UKai) for 编者按 and source lines in PDF issues
#   fonts-liberation2 metric twins of Times New Roman and Arial, the faces the DOCX names for figures:
#                     LibreOffice sets them in place of the originals when it converts a DOCX
#   libpango-1.0-0    text layout for WeasyPrint (PDF issues and 审核表)
#   libpangoft2-1.0-0 Pango's FreeType/fontconfig backend, used by WeasyPrint
#   libharfbuzz-subset0  font subsetting for WeasyPrint >= 61 (fonts embedded as subsets)
#   poppler-utils     pdftotext/pdftoppm for checking rendered documents
#   libreoffice-writer-nogui  the document tests open every generated DOCX in LibreOffice (soffice) and
#                     check the pages it sets; not needed to run the product
#   nodejs npm        front-end assets from the npm registry (served locally)
#   nginx             the balancer in front of the web nodes (deploy/, scripts/run_cluster.sh, cluster tests)
#   pgbouncer         transaction pooling in front of PostgreSQL (deploy/, its test)
#   redis-server      the Redis worker pool's queue (BAOSONG_TASK_BACKEND=rq) and its tests
#   postgresql        pg_createcluster/pg_basebackup: the streaming replica the router tests read from
set -u
need=()
have_lib() { { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q "$1"; }
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK\|Noto Serif CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "AR PL UKai" || need+=(fonts-arphic-ukai)
fc-list 2>/dev/null | grep -qi "Liberation Serif" || need+=(fonts-liberation2)
have_lib "libpango-1.0.so.0" || need+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so.0" || need+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so.0" || need+=(libharfbuzz-subset0)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || need+=(pgbouncer)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v pg_createcluster >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || {
    echo "系统软件包安装失败，请手动执行: apt-get install ${need[*]}"; exit 1; }
else
  echo "缺少系统软件包: ${need[*]}"
  echo "请以管理员身份执行: sudo apt-get install ${need[*]}"
  case " ${need[*]} " in *" nodejs "*) exit 1;; esac
  echo "（缺少浏览器或字体时仍可运行，但浏览器测试与中文文档渲染不可用）"
fi
