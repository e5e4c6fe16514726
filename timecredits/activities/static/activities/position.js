/* Optional: share where you are, so a check-in far away can be flagged. Works without it. */
if (navigator.geolocation) navigator.geolocation.getCurrentPosition(function (p) {
  document.getElementById("latitude").value = p.coords.latitude.toFixed(6);
  document.getElementById("longitude").value = p.coords.longitude.toFixed(6);
});
