// planmaker serve: the one script, shipped with the package.  Every page works without it;
// it only moves the batch's progress bar without reloading the page.
(function () {
  "use strict";
  var back = document.querySelector("[data-back]");
  if (back && window.history.length > 1) {
    back.addEventListener("click", function (event) { event.preventDefault(); window.history.back(); });
  }
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-state") !== "running") { return; }
  var states = { running: "正在进行，可以离开本页，稍后从方案页回来查看。", done: "已完成。", failed: "未完成。" };
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", box.getAttribute("data-status"));
    request.onload = function () {
      if (request.status !== 200) { return; }
      var s = JSON.parse(request.responseText);
      var bar = document.getElementById("bar");
      bar.max = s.total || 1;
      bar.value = s.done;
      document.getElementById("count").textContent =
        s.done + " / " + (s.total || "…") + "（" + s.percent + "%），已用 " + s.seconds + " 秒";
      document.getElementById("state").textContent = states[s.state] || "";
      box.setAttribute("data-state", s.state);
      var list = document.getElementById("messages");
      list.textContent = "";
      (s.messages || []).forEach(function (m) {
        var item = document.createElement("li");
        item.textContent = m;
        list.appendChild(item);
      });
      if (s.state === "running") { window.setTimeout(poll, 700); }
    };
    request.send();
  }
  window.setTimeout(poll, 300);
}());
